#!/usr/bin/env bash
# The load and outage bench: a portal (Debug build, the committed models) on a free loopback port over a throwaway
# PostgreSQL cluster; N API clients upload and classify for T seconds, then the same load while PostgreSQL is
# stopped for 10 s and started again. Bounded, loopback only, cleans up after itself.
#   bash tests/load-bench.sh [--clients 16] [--seconds 30] [--outage-seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/lib.sh
require_dotnet
need_debian_packages python3 postgresql curl

work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  [[ -n ${portal_pid:-} ]] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null
  stop_throwaway_postgres
  rm -rf "$work"
}
trap cleanup EXIT
start_throwaway_postgres "$work/pg"

say "build (Debug)"
dotnet build Portal -c Debug -nologo -v q
dotnet build tests/MedCrypt.LoadBench -c Debug -nologo -v q

# A fresh database, a key file (and so audit anchor files beside it) and a password made for this run only: the seeded
# demo accounts (Development) use the password; an earlier run's heads file would rightly refuse a fresh database's log.
password="Bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')-1!"
database="$pg_server;Database=medcrypt_bench"
portal_port=$(free_port)
say "portal on http://127.0.0.1:$portal_port"
# One account uploads hundreds of scans a minute: the bench measures throughput, not the per-user upload limit.
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$portal_port" \
  Database__Provider=Postgres Database__ConnectionString="$database" Seed__DemoPassword="$password" \
  KeyEncryption__KeyFile="$work/medcrypt.kek" \
  RateLimits__Uploads__PermitLimit=100000000 \
  Logging__LogLevel__Default=Warning \
  dotnet Portal/bin/Debug/net10.0/MedCrypt.Portal.dll >"$work/portal.log" 2>&1 &
portal_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$portal_port/health" >/dev/null 2>&1 && break
  kill -0 "$portal_pid" 2>/dev/null || { cat "$work/portal.log"; exit 1; }
  sleep 1
done

pg_ctl_as_postgres="$( [[ $(id -u) -eq 0 ]] && echo "runuser -u postgres -- " )$pg_bin/pg_ctl -D $pg_data"
bench_status=0
MEDCRYPT_BENCH_PASSWORD="$password" dotnet tests/MedCrypt.LoadBench/bin/Debug/net10.0/MedCrypt.LoadBench.dll \
  --url "http://127.0.0.1:$portal_port" --database "$database" \
  --stop-database "$pg_ctl_as_postgres -m fast -w stop >/dev/null" \
  --start-database "$pg_ctl_as_postgres -o '-k $pg_data -h 127.0.0.1 -p $pg_port' -l $pg_data/server.log -w start >/dev/null" \
  "$@" || bench_status=$?
if (( bench_status != 0 )); then
  # The exceptions the portal did not map (the 500s), from its log, which goes with the work folder.
  echo "== the portal's unhandled exceptions during the bench"
  grep -E -A 30 'An unhandled exception has occurred|^crit:' "$work/portal.log" | head -120 || echo "(none logged)"
fi
exit "$bench_status"
