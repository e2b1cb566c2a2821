#!/usr/bin/env bash
# Start the Oxigraph SPARQL server on loopback, in the background, and wait until it answers.
#
#   scripts/start-oxigraph-server.sh [DATA_DIR] [PORT]
#
# Uses the `oxigraph` binary that `pip install oxigraph` puts next to the active Python (it is
# installed into the venv if missing). Prints two lines on stdout:
#   URL=http://127.0.0.1:PORT/query
#   PID=<server pid>     (stop it with: kill PID)
# The log goes to DATA_DIR/oxigraph.log. Binds to 127.0.0.1 only: the server has no auth.
set -euo pipefail

DATA_DIR="${1:-$(mktemp -d -t nhskg-oxigraph.XXXXXX)}"
PORT="${2:-0}"
mkdir -p "$DATA_DIR"

BIN="$(dirname "$(command -v python3)")/oxigraph"
if [ ! -x "$BIN" ]; then
  BIN="$(command -v oxigraph || true)"
fi
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  python3 -m pip install -q oxigraph >&2
  BIN="$(dirname "$(command -v python3)")/oxigraph"
fi

if [ "$PORT" = "0" ]; then  # a free loopback port, chosen by the kernel
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
fi

"$BIN" serve --location "$DATA_DIR/db" --bind "127.0.0.1:$PORT" >"$DATA_DIR/oxigraph.log" 2>&1 &
PID=$!

for _ in $(seq 1 100); do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "oxigraph serve exited; its log ($DATA_DIR/oxigraph.log):" >&2
    cat "$DATA_DIR/oxigraph.log" >&2
    exit 1
  fi
  if python3 - "$PORT" <<'PY' 2>/dev/null
import sys, urllib.request, urllib.parse
q = urllib.parse.urlencode({"query": "ASK {}"})
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/query?{q}", timeout=1).read()
PY
  then
    echo "URL=http://127.0.0.1:$PORT/query"
    echo "PID=$PID"
    exit 0
  fi
  sleep 0.1
done
echo "oxigraph serve did not answer on 127.0.0.1:$PORT within 10 s; log: $DATA_DIR/oxigraph.log" >&2
kill "$PID" 2>/dev/null || true
exit 1
