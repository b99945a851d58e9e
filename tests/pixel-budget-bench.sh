#!/usr/bin/env bash
# What one upload of a small PNG that decodes to N × N costs the portal: a real portal process (Debug build, the
# committed models, a throwaway SQLite file, Development), one warm-up upload, then the measured one; the portal's CPU
# seconds (utime + stime from /proc) and its peak resident memory during that request.
#   bash tests/pixel-budget-bench.sh [side ...]        (default: 4096 2048 1024 512)
#   Imaging__MaxPixels=16777216 bash tests/pixel-budget-bench.sh 4096   (as before the pixel budget)
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/lib.sh
require_dotnet
work=$(mktemp -d)
cleanup() { [[ -n ${portal_pid:-} ]] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A flat disk on black, 8-bit gray: N × N pixels in a few KB.
png() { python3 - "$1" <<'PY'
import struct, sys, zlib
n = int(sys.argv[1]); rows = bytearray(); r2 = (n * 0.4) ** 2
for y in range(n):
    row = bytearray(n); d2 = (y - n / 2) ** 2
    if d2 < r2:
        h = int((r2 - d2) ** 0.5); row[n // 2 - h:n // 2 + h] = b'\x64' * (2 * h)
    rows += b'\x00' + row
chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
sys.stdout.buffer.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', n, n, 8, 0, 0, 0, 0))
                        + chunk(b'IDAT', zlib.compress(bytes(rows), 9)) + chunk(b'IEND', b''))
PY
}

dotnet build Portal -c Debug -nologo -v q >/dev/null
password="Bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')-1!"
port=$(free_port)
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" Seed__DemoPassword="$password" \
  Database__ConnectionString="Data Source=$work/bench.db" KeyEncryption__KeyFile="$work/medcrypt.kek" Logging__LogLevel__Default=Warning \
  dotnet Portal/bin/Debug/net10.0/MedCrypt.Portal.dll >"$work/portal.log" 2>&1 &
portal_pid=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 1; done
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"staff@medcrypt.local\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
upload() { curl -s -o "$work/answer" -w '%{http_code}' -H "Authorization: Bearer $token" -F "file=@$1" "http://127.0.0.1:$port/api/v1/studies"; }
png 256 >"$work/warm.png"; upload "$work/warm.png" >/dev/null # JIT and first-use costs are not the upload's

ticks=$(getconf CLK_TCK)
sides=("$@"); ((${#sides[@]})) || sides=(4096 2048 1024 512)
for n in "${sides[@]}"; do
  png "$n" >"$work/scan.png"
  sleep 1
  echo 5 >"/proc/$portal_pid/clear_refs" # resets the peak (VmHWM) to the current resident set
  cpu0=$(awk '{print $14 + $15}' "/proc/$portal_pid/stat"); rss0=$(awk '/VmRSS/ {print $2}' "/proc/$portal_pid/status")
  status=$(upload "$work/scan.png")
  cpu1=$(awk '{print $14 + $15}' "/proc/$portal_pid/stat"); hwm=$(awk '/VmHWM/ {print $2}' "/proc/$portal_pid/status")
  printf '%5d × %-5d %6d bytes  → %s  CPU %s s  peak memory +%d MB\n' "$n" "$n" "$(stat -c %s "$work/scan.png")" "$status" \
    "$(python3 -c "print(f'{($cpu1 - $cpu0) / $ticks:.2f}')")" $(((hwm - rss0) / 1024))
done
