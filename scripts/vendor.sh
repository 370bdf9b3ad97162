#!/usr/bin/env bash
# Copies the console's chart library (chart.js, pinned in scripts/package.json) into wwwroot, with its licence.
# The copies are committed, so running the app needs no npm; run this after changing the pinned version.
set -euo pipefail
cd "$(dirname "$0")"
[ -f node_modules/chart.js/dist/chart.umd.min.js ] || npm ci --no-audit --no-fund --loglevel=error
target=../src/Ses.Functions/wwwroot
mkdir -p "$target"
cp node_modules/chart.js/dist/chart.umd.min.js "$target/chart.umd.min.js"
cp node_modules/chart.js/LICENSE.md "$target/chart.js.LICENSE.md"
echo "chart.js $(node -p 'require("./node_modules/chart.js/package.json").version') copied to $target"
