#!/usr/bin/env bash
# The demo, from a fresh clone: installs what is missing (scripts/setup.sh), builds the
# native CLI and the WebAssembly engine (scripts/build.sh), lays out the page, the library
# and the engine in build/demo-site/ (scripts/stage-demo.mjs), and starts the reference
# import server with them on http://localhost:8080 under a strict Content-Security-Policy.
# It prints the address and the development token; the page is already filled in with the
# token (demo-config.json, served only by this loopback server). Ctrl-C stops it.
#
#   scripts/demo.sh                      # http://localhost:8080
#   PREFLIGHT_DEMO_PORT=9000 scripts/demo.sh
#
# The server keeps its database (imports, records, the development token) in
# data/preflight-server.sqlite; delete that file to start from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PREFLIGHT_DEMO_PORT:-8080}"
site=build/demo-site
csp="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

echo "== set-up (scripts/setup.sh wasm)"
scripts/setup.sh wasm
echo "== build: native CLI and WebAssembly engine"
scripts/build.sh native >/dev/null
scripts/build.sh wasm >/dev/null
echo "== the demo's files → $site"
node scripts/stage-demo.mjs --out "$site" >/dev/null

log="$(mktemp)"
cleanup() {
  if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node web/server/main.js --port "$port" --host 127.0.0.1 --static "$site" \
  --static-header "Content-Security-Policy: $csp" --quiet >"$log" 2>&1 &
server_pid=$!

token=""
for _ in $(seq 1 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$log" >&2
    echo "demo: the server did not start (is port $port in use? try PREFLIGHT_DEMO_PORT=9000)" >&2
    exit 1
  fi
  token="$(sed -n 's/^development token: //p' "$log" | head -n 1)"
  [ -n "$token" ] && break
  sleep 0.1
done
if [ -z "$token" ]; then
  cat "$log" >&2
  echo "demo: the server printed no development token" >&2
  exit 1
fi

# The page reads the token from here; no apiBase: the page talks to its own origin.
node --input-type=module -e "
  import { writeDemoConfig } from './scripts/stage-demo.mjs';
  writeDemoConfig(process.argv[1], { token: process.argv[2] });
" "$site" "$token"

cat <<EOF

  preflight demo:     http://localhost:$port/
  development token:  $token
  (the page is already filled in with it; sample files are linked on the page)

  Ctrl-C stops the server. Its database: data/preflight-server.sqlite
EOF

# Show the server's own output from now on (requests are quiet; errors are not).
tail -n +1 -f "$log" --pid="$server_pid" | grep -v '^development token:\|^  (try: curl' &
wait "$server_pid"
