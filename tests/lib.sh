# Shell functions the test command (tests/run.sh) and the load bench (tests/load-bench.sh) share. Source it.

say() { printf '\n== %s\n' "$*"; }

require_dotnet() {
  if ! command -v dotnet >/dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
    echo "The .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
    exit 2
  fi
}

# Installs the Debian packages that are missing when run as root; otherwise says what to install and stops.
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

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# PostgreSQL refuses to run as root: as root it runs as the postgres user.
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A throwaway PostgreSQL cluster in folder $1 on a free loopback port. Sets pg_bin, pg_data, pg_port and
# pg_server (an Npgsql connection string without a database name). Stop it with stop_throwaway_postgres.
start_throwaway_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_data="$1"
  pg_port=$(free_port)
  say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (throwaway cluster)"
  mkdir -p "$pg_data" && { [[ $(id -u) -ne 0 ]] || chown postgres "$pg_data"; }
  as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -o "-k $pg_data -h 127.0.0.1 -p $pg_port -c max_connections=300" -l "$pg_data/server.log" -w start >/dev/null
  pg_server="Host=127.0.0.1;Port=$pg_port;Username=postgres"
}

stop_throwaway_postgres() {
  if [[ -n ${pg_data:-} && -f $pg_data/postmaster.pid ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
}
