#!/usr/bin/env bash
# Start Virtuoso open source on loopback with its own database in DATA_DIR, and wait until it answers.
#
#   scripts/start-virtuoso.sh [DATA_DIR] [HTTP_PORT] [SQL_PORT]
#
# Installs Debian's `virtuoso-opensource` with apt-get if `virtuoso-t` is missing (needs root).
# Writes DATA_DIR/virtuoso.ini (both ports on 127.0.0.1, DirsAllowed = DATA_DIR, result rows
# raised to 100,000), starts `virtuoso-t +foreground` in the background, sets a random password
# for the `dba` account through isql-vt and writes it to DATA_DIR/netrc (mode 600) - never to
# stdout - so clients read it with NETRC=DATA_DIR/netrc. Writes go to /sparql-auth, which uses
# HTTP Digest auth. Prints on stdout:
#   URL=http://127.0.0.1:HTTP_PORT/sparql
#   NETRC=DATA_DIR/netrc
#   PID=<server pid>     (stop it with: kill PID)
set -euo pipefail

DATA_DIR="${1:-$(mktemp -d -t nhskg-virtuoso.XXXXXX)}"
HTTP_PORT="${2:-0}"
SQL_PORT="${3:-0}"
mkdir -p "$DATA_DIR"
DATA_DIR="$(cd "$DATA_DIR" && pwd)"

if ! command -v virtuoso-t >/dev/null; then
  if [ "$(id -u)" != "0" ]; then
    echo "virtuoso-t is missing: run 'sudo apt-get install -y virtuoso-opensource' first" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource >&2; }
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
[ "$HTTP_PORT" = "0" ] && HTTP_PORT="$(free_port)"
[ "$SQL_PORT" = "0" ] && SQL_PORT="$(free_port)"

VSP=/var/lib/virtuoso-opensource-7/vsp
VAD=/usr/share/virtuoso-opensource-7/vad
cat >"$DATA_DIR/virtuoso.ini" <<INI
[Database]
DatabaseFile       = $DATA_DIR/virtuoso.db
ErrorLogFile       = $DATA_DIR/virtuoso.log
LockFile           = $DATA_DIR/virtuoso.lck
TransactionFile    = $DATA_DIR/virtuoso.trx
xa_persistent_file = $DATA_DIR/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $DATA_DIR/virtuoso-temp.db
TransactionFile    = $DATA_DIR/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:$SQL_PORT
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., $DATA_DIR, $VAD
VADInstallDir            = $VAD/
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
MaxQueryMem              = 1G
ThreadsPerQuery          = 2

[HTTPServer]
ServerPort                  = 127.0.0.1:$HTTP_PORT
ServerRoot                  = $VSP
MaxClientConnections        = 10
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 120
INI

virtuoso-t +foreground +configfile "$DATA_DIR/virtuoso.ini" >"$DATA_DIR/stdout.log" 2>&1 &
PID=$!

for _ in $(seq 1 900); do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "virtuoso-t exited; the end of its log ($DATA_DIR/virtuoso.log):" >&2
    tail -20 "$DATA_DIR/virtuoso.log" >&2 || true
    exit 1
  fi
  if python3 - "$HTTP_PORT" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.parse
q = urllib.parse.urlencode({"query": "ASK {}"})
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/sparql?{q}", timeout=1).read()
PY
  then
    PASSWORD="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
    # A fresh database's dba password is "dba"; replace it before anything else can connect.
    if ! isql-vt "127.0.0.1:$SQL_PORT" dba dba \
         exec="USER_CHANGE_PASSWORD('dba', 'dba', '$PASSWORD');" >"$DATA_DIR/isql.log" 2>&1; then
      echo "isql-vt could not set the dba password; see $DATA_DIR/isql.log" >&2
      kill "$PID"; exit 1
    fi
    umask 077
    printf 'machine 127.0.0.1 login dba password %s\n' "$PASSWORD" >"$DATA_DIR/netrc"
    echo "URL=http://127.0.0.1:$HTTP_PORT/sparql"
    echo "NETRC=$DATA_DIR/netrc"
    echo "PID=$PID"
    exit 0
  fi
  sleep 0.1
done
echo "Virtuoso did not answer on 127.0.0.1:$HTTP_PORT within about 3 minutes; log: $DATA_DIR/virtuoso.log" >&2
kill "$PID" 2>/dev/null || true
exit 1
