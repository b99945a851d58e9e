#!/usr/bin/env bash
# Runs every MedCrypt test. On a fresh Debian 12 machine, as root, it first installs what the tests need;
# elsewhere it says what is missing. Prints one closing line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

source tests/lib.sh
require_dotnet
# python3-torch and friends are Debian's, for /usr/bin/python3 (the training pipeline's smoke test); chromium is the
# browser the end-to-end tests drive (/usr/bin/chromium: Playwright's own browser download is never used).
# libgdcm-tools is GDCM's gdcmconv, which the portal runs to decompress encapsulated DICOM pixel data (docs/dicom.md).
# orthanc (with its DICOMweb plugin) is the PACS the integration tests import from and write results back to; dcmtk's
# storescu plays the modality that sends to it, img2dcm wraps JPEG slices as MR, dsrdump reads the structured reports.
need_debian_packages python3 python3-cryptography python3-pydicom python3-torch python3-torchvision python3-onnx postgresql chromium libgdcm-tools \
  orthanc orthanc-dicomweb dcmtk curl

results=$(mktemp -d)
chmod 755 "$results"
cleanup() {
  stop_throwaway_orthanc
  stop_throwaway_postgres
  rm -rf "$results"
}
trap cleanup EXIT

# A throwaway PostgreSQL cluster for the tests, stopped however they end.
start_throwaway_postgres "$results/pg"
export MEDCRYPT_TEST_POSTGRES="$pg_server"

# A throwaway Orthanc for the PACS tests, stopped however they end.
start_throwaway_orthanc "$results/orthanc"
export MEDCRYPT_TEST_ORTHANC="$orthanc_url" MEDCRYPT_TEST_ORTHANC_USER="$orthanc_user" MEDCRYPT_TEST_ORTHANC_PASSWORD="$orthanc_password" \
  MEDCRYPT_TEST_ORTHANC_DICOM="$orthanc_aet@127.0.0.1:$orthanc_dicom_port"

say "restore the ImageNet ResNet18 package (into the ignored models/training/.work)"
dotnet restore models/training/pretrained/ResNet18Restore.csproj -nologo -v q

say "build (Debug, warnings are errors)"
dotnet build MedCrypt.Portal.sln -c Debug -nologo -v q

say "code style: dotnet format against .editorconfig, nothing to change"
format_failed=0
dotnet format MedCrypt.Portal.sln --verify-no-changes --no-restore -v q || format_failed=1

if [[ -d ../shared/datasets/brain-tumor-mri ]]; then
  # The real-data tests read these (git-ignored, never copied data): the grouped splits and the non-brain set.
  say "grouped splits of ../shared/datasets and the non-brain measurement set"
  (cd models/training && OMP_NUM_THREADS=2 nice /usr/bin/python3 scripts/make_splits.py >/dev/null)
  OMP_NUM_THREADS=2 nice /usr/bin/python3 models/training/scripts/collect_non_brain.py >/dev/null 2>&1
fi

say "unit and integration tests"
set +e
dotnet test MedCrypt.Portal.sln -c Debug --no-build -nologo 2>&1 | tee "$results/dotnet-test.log"
dotnet_status=${PIPESTATUS[0]}
set -e

say "logistic-sine and pixel-shuffle: independent Python implementations must give the C# known answers"
reference_failed=0
/usr/bin/python3 tests/reference/logistic_sine_reference.py || reference_failed=1
/usr/bin/python3 tests/reference/pixel_shuffle_reference.py || reference_failed=$((reference_failed + 1))
/usr/bin/python3 tests/reference/merkle_reference.py || reference_failed=$((reference_failed + 1))

say "training pipeline (one step per architecture on generated slices, ONNX export, the adaptation stem)"
set +e
(cd models/training && OMP_NUM_THREADS=2 /usr/bin/python3 -m unittest discover -s tests -v) 2>&1 | tee "$results/python.log"
set -e
python_ran=$(sed -nE 's/^Ran ([0-9]+) tests?.*/\1/p' "$results/python.log" | tail -n 1)
python_failed=$(awk '/^FAILED \(/ { while (match($0, /[0-9]+/)) { n += substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH) } } END { print n+0 }' "$results/python.log")
python_skipped=$(sed -nE 's/.*skipped=([0-9]+).*/\1/p' "$results/python.log" | tail -n 1)
python_ran=${python_ran:-0}; python_failed=${python_failed:-0}; python_skipped=${python_skipped:-0}
((python_ran > 0)) || python_failed=$((python_failed + 1))

say "load and database outage, short (the full bench: bash tests/load-bench.sh)"
bench_failed=0
bash tests/load-bench.sh --clients 4 --seconds 5 --outage-seconds 3 2>&1 | tee "$results/bench.log" || bench_failed=1

# Sum the test runner's per-assembly summaries ("Passed!  - Failed: 0, Passed: 275, Skipped: 0, ...").
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) { gsub(/ /, "", $i); if ($i ~ /Failed$/) f += $(i+1); if ($i == "Passed") p += $(i+1); if ($i == "Skipped") s += $(i+1) }
  } END { print p+0, f+0, s+0 }' "$results/dotnet-test.log")
# Three reference implementations, the style check and the short bench: five checks beside the test runners.
passed=$((passed + 5 - reference_failed - format_failed - bench_failed + python_ran - python_failed - python_skipped))
failed=$((failed + reference_failed + format_failed + bench_failed + python_failed))
skipped=$((skipped + python_skipped))

# Name what failed just above the closing line, so that the tail of a CI log says it.
if ((failed != 0)); then
  echo
  echo "failed:"
  grep -E '^ +Failed [A-Za-z]' "$results/dotnet-test.log" | sed -E 's/^ +Failed /  /; s/ \[[^]]*\]$//' | sort -u || true
  # And the first lines of each failure's message, so that the tail of a CI log says why, not only what.
  awk '/^ +Failed [A-Za-z]/ { name = $2 } /^ +Error Message:/ { n = 6; print "  why " name ":"; next }
       n > 0 { if ($0 ~ /^ +Stack Trace:/) { n = 0; next } print "    " substr($0, 1, 300); n-- }' "$results/dotnet-test.log" || true
  grep -E '^(FAIL|ERROR): ' "$results/python.log" | sed 's/^/  python: /' || true
  ((format_failed == 0)) || echo "  code style: dotnet format --verify-no-changes found changes"
  ((reference_failed == 0)) || echo "  $reference_failed reference implementation(s) disagree with the C# known answers"
  ((bench_failed == 0)) || echo "  the short load and outage bench"
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
if ((dotnet_status != 0 || failed != 0)); then exit 1; fi
