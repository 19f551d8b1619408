#!/usr/bin/env bash
# The CLI on a sample: build the native CLI, generate a small realistic clients file (with an
# Excel-style header and a few mistakes), validate it in store mode and print the report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh native >/dev/null
mkdir -p build/sample
node scripts/gen-clients.mjs --rows 40 --headers export --invalid 0.04 --seed 7 --out build/sample/clients.csv
cli=build/native/preflight

echo "== Suggested mapping for build/sample/clients.csv"
"$cli" suggest --type clients build/sample/clients.csv
echo
echo "== Summary (preflight validate --type clients --mode store)"
set +e
"$cli" validate --type clients --mode store build/sample/clients.csv \
  --errors-csv build/sample/clients-errors.csv --batches build/sample/batches --batch-rows 25
code=$?
set -e
echo
echo "== Error report: build/sample/clients-errors.csv"
cat build/sample/clients-errors.csv
echo
echo "== Batches ready to post: $(ls build/sample/batches | tr '\n' ' ')"
echo "Exit status $code (0 all rows clean, 1 some rows failed, 2 unusable input)."
