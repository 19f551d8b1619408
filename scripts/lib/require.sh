# require.sh — sourced by the scripts/test-*.sh runners: checks that what a suite needs is
# built or installed, names every missing piece with the command that provides it, and
# exits 2 once all are listed.
#
#   source scripts/lib/require.sh
#   require wasm native chromium node:playwright-core node:better-sqlite3
#   require_done test-browser
#
# PREFLIGHT_CHROMIUM overrides where Chromium is looked for.
PREFLIGHT_CHROMIUM="${PREFLIGHT_CHROMIUM:-/usr/bin/chromium}"
_require_missing=()

require() {
  local what
  for what in "$@"; do
    case "$what" in
      wasm)
        [ -f build/wasm/preflight.js ] && [ -f build/wasm/preflight.wasm ] ||
          _require_missing+=("build/wasm/preflight.{js,wasm} (run scripts/build.sh wasm)") ;;
      native)
        [ -x build/native/preflight ] || _require_missing+=("build/native/preflight (run scripts/build.sh native)") ;;
      chromium)
        [ -x "$PREFLIGHT_CHROMIUM" ] ||
          _require_missing+=("Chromium at $PREFLIGHT_CHROMIUM (scripts/setup.sh browser, or set PREFLIGHT_CHROMIUM)") ;;
      node:*)
        [ -d "node_modules/${what#node:}" ] || _require_missing+=("node_modules/${what#node:} (run scripts/setup.sh)") ;;
      *) echo "require.sh: unknown requirement '$what'" >&2; exit 2 ;;
    esac
  done
}

# require_done NAME: prints what is missing, as NAME, and exits 2 if anything is.
require_done() {
  [ "${#_require_missing[@]}" -eq 0 ] && return 0
  local item
  for item in "${_require_missing[@]}"; do echo "$1: missing $item" >&2; done
  exit 2
}
