#!/usr/bin/env bash
# The main job: the importer demo. Sets everything up on a fresh machine, builds the native
# CLI and the WebAssembly engine, starts the reference import server with the demo page on
# http://localhost:8080 and prints the development token (see scripts/demo.sh).
# For the command-line tool on a sample file instead: scripts/sample-cli.sh
exec "$(dirname "$0")/demo.sh" "$@"
