#!/usr/bin/env bash
# Runs every MedCrypt test. On a fresh Debian 12 machine, as root, it first installs what the tests need;
# elsewhere it says what is missing. Prints one closing line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

need_debian_packages() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg"); done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}. Install them (sudo apt-get install ${missing[*]}) and run again." >&2
    exit 2
  fi
}

if ! command -v dotnet >/dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "The .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 2
fi
# python3-torch and friends are Debian's, for /usr/bin/python3 (the training pipeline's smoke test); chromium is the
# browser the end-to-end tests drive (/usr/bin/chromium: Playwright's own browser download is never used).
need_debian_packages python3 python3-torch python3-torchvision python3-onnx postgresql chromium

results=$(mktemp -d)
chmod 755 "$results"
cleanup() {
  if [[ -n ${pg_data:-} && -f $pg_data/postmaster.pid ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$results"
}
trap cleanup EXIT

# A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port, stopped however the tests end.
# (PostgreSQL refuses to run as root: as root it runs as the postgres user.)
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_data="$results/pg"
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (throwaway cluster)"
mkdir -p "$pg_data" && { [[ $(id -u) -ne 0 ]] || chown postgres "$pg_data"; }
as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -o "-k $pg_data -h 127.0.0.1 -p $pg_port" -l "$pg_data/server.log" -w start >/dev/null
export MEDCRYPT_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres"

say "restore the ImageNet ResNet18 package (into the ignored models/training/.work)"
dotnet restore models/training/pretrained/ResNet18Restore.csproj -nologo -v q

say "build (Debug, warnings are errors)"
dotnet build MedCrypt.Portal.sln -c Debug -nologo -v q

say "unit and integration tests"
set +e
dotnet test MedCrypt.Portal.sln -c Debug --no-build -nologo 2>&1 | tee "$results/dotnet-test.log"
dotnet_status=${PIPESTATUS[0]}
set -e

say "logistic-sine: an independent Python implementation must give the C# known answers"
reference_failed=0
/usr/bin/python3 tests/reference/logistic_sine_reference.py || reference_failed=1

say "training pipeline (one step per architecture on generated slices, ONNX export, the adaptation stem)"
set +e
(cd models/training && OMP_NUM_THREADS=2 /usr/bin/python3 -m unittest discover -s tests -v) 2>&1 | tee "$results/python.log"
set -e
python_ran=$(sed -nE 's/^Ran ([0-9]+) tests?.*/\1/p' "$results/python.log" | tail -n 1)
python_failed=$(awk '/^FAILED \(/ { while (match($0, /[0-9]+/)) { n += substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH) } } END { print n+0 }' "$results/python.log")
python_skipped=$(sed -nE 's/.*skipped=([0-9]+).*/\1/p' "$results/python.log" | tail -n 1)
python_ran=${python_ran:-0}; python_failed=${python_failed:-0}; python_skipped=${python_skipped:-0}
((python_ran > 0)) || python_failed=$((python_failed + 1))

# Sum the test runner's per-assembly summaries ("Passed!  - Failed: 0, Passed: 275, Skipped: 0, ...").
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) { gsub(/ /, "", $i); if ($i ~ /Failed$/) f += $(i+1); if ($i == "Passed") p += $(i+1); if ($i == "Skipped") s += $(i+1) }
  } END { print p+0, f+0, s+0 }' "$results/dotnet-test.log")
passed=$((passed + 1 - reference_failed + python_ran - python_failed - python_skipped))
failed=$((failed + reference_failed + python_failed))
skipped=$((skipped + python_skipped))

echo
echo "$passed passed, $failed failed, $skipped skipped"
if ((dotnet_status != 0 || failed != 0)); then exit 1; fi
