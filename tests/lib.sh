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

# A throwaway Orthanc (the PACS) on loopback ports, its storage under $1, with the DICOMweb plugin; a change is
# "stable" after 1 s (a series is complete once no instance arrived for that long). Sets orthanc_url, orthanc_aet,
# orthanc_dicom_port, orthanc_user and orthanc_password (made for this run).
start_throwaway_orthanc() {
  orthanc_dir="$1"
  mkdir -p "$orthanc_dir/db"
  orthanc_http_port=$(free_port)
  orthanc_dicom_port=$(free_port)
  orthanc_user=medcrypt
  orthanc_password="pacs-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
  orthanc_aet=ORTHANC
  cat >"$orthanc_dir/orthanc.json" <<JSON
{
  "Name": "medcrypt-test-pacs",
  "StorageDirectory": "$orthanc_dir/db",
  "IndexDirectory": "$orthanc_dir/db",
  "HttpPort": $orthanc_http_port,
  "DicomPort": $orthanc_dicom_port,
  "DicomAet": "$orthanc_aet",
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": true,
  "RegisteredUsers": { "$orthanc_user": "$orthanc_password" },
  "Plugins": [ "/usr/share/orthanc/plugins/libOrthancDicomWeb.so" ],
  "DicomWeb": { "Enable": true },
  "StableAge": 1,
  "DicomAlwaysAllowStore": true
}
JSON
  say "Orthanc $(Orthanc --version 2>/dev/null | head -n 1 | awk '{print $NF}') on 127.0.0.1:$orthanc_http_port (DICOM $orthanc_dicom_port, throwaway)"
  Orthanc "$orthanc_dir/orthanc.json" >"$orthanc_dir/orthanc.log" 2>&1 &
  orthanc_pid=$!
  orthanc_url="http://127.0.0.1:$orthanc_http_port"
  for _ in $(seq 1 60); do
    curl -fs -u "$orthanc_user:$orthanc_password" "$orthanc_url/system" >/dev/null 2>&1 && return 0
    kill -0 "$orthanc_pid" 2>/dev/null || { cat "$orthanc_dir/orthanc.log"; return 1; }
    sleep 0.5
  done
  echo "Orthanc did not start" >&2
  return 1
}

stop_throwaway_orthanc() {
  [[ -n ${orthanc_pid:-} ]] && kill "$orthanc_pid" 2>/dev/null && wait "$orthanc_pid" 2>/dev/null
  return 0
}

stop_throwaway_postgres() {
  if [[ -n ${pg_data:-} && -f $pg_data/postmaster.pid ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
}
