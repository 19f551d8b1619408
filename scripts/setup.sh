#!/usr/bin/env bash
# Installs what preflight needs on a fresh Debian 12 machine; quick and quiet when all is there.
#
#   scripts/setup.sh            native build and tests: g++, CMake, Ninja, fast_float, Catch2, npm packages
#   scripts/setup.sh wasm       … plus Debian's Emscripten
#   scripts/setup.sh browser    … plus Debian's Chromium (browser tests)
#
# Versions are pinned (Debian bookworm's, and package-lock.json for npm). A pinned version
# that the mirror no longer has falls back to the candidate version, with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A pinned=(
  [g++]=""
  [cmake]=""
  [ninja-build]=""
  [libfast-float-dev]="3.9.0-1"
  [catch2]="2.13.10-1"
  [emscripten]="3.1.6~dfsg-5"
  [chromium]=""
)
wanted=(g++ cmake ninja-build libfast-float-dev catch2)
for group in "$@"; do
  case "$group" in
    native) ;;
    wasm) wanted+=(emscripten) ;;
    browser) wanted+=(chromium) ;;
    all) wanted+=(emscripten chromium) ;;
    *) echo "setup.sh: unknown group '$group' (native, wasm, browser, all)" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  specs=()
  for pkg in "${missing[@]}"; do
    version="${pinned[$pkg]:-}"
    if [ -n "$version" ] && apt-cache show "$pkg=$version" >/dev/null 2>&1; then
      specs+=("$pkg=$version")
    else
      [ -n "$version" ] && echo "setup: warning: $pkg $version is not available; installing the candidate" >&2
      specs+=("$pkg")
    fi
  done
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${specs[@]}" >/dev/null
fi

# npm packages from the committed lock file (simdjson's single-file source among them).
# better-sqlite3 (the reference server's database) compiles its native addon here: its
# prebuilt download needs the wider network, so node-gyp builds it (about 80 s) against
# the installed Node's own headers rather than fetching a header tarball.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
