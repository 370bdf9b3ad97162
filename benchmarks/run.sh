#!/usr/bin/env bash
# The benchmark suite (docs/benchmarks.md): the app as its own process on its own Azurite, driven over HTTP by 16 clients
# for N = 1,000 and 10,000 journeys, against the raw Azure SDK calls for the same work in the same run.
#   bash benchmarks/run.sh                 N = 1,000 and 10,000 (about 10 minutes on 2 cores)
#   bash benchmarks/run.sh --large         also N = 100,000
#   bash benchmarks/run.sh --n 100000 --memory
#                                          issue 9's memory goal: 100,000 journeys, a clock move firing 50,000 chases
#   bash benchmarks/run.sh --caseload      issue 18: 20,000 journeys (--large: and 100,000), the caseload summary and the
#                                          first page of each tile: p50, bytes of each answer, working set
#   bash benchmarks/run.sh --product-only  the product's side only (no raw SDK phases; with any of the above)
#   bash benchmarks/run.sh --n 200         other sizes (comma-separated), e.g. while developing
#   bash benchmarks/run.sh --micro [...]   the domain micro-benchmarks instead (BenchmarkDotNet; extra arguments go to it)
# Compare the ratio column (measured in one run), not absolute figures: these machines are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

if [ "${1:-}" = "--micro" ]; then
  shift
  args=("$@")
  [ ${#args[@]} -gt 0 ] || args=(--filter '*')
  rm -rf BenchmarkDotNet.Artifacts
  dotnet run -c Release --project benchmarks/Ses.Benchmarks -- --job short --exporters markdown "${args[@]}"
  cat BenchmarkDotNet.Artifacts/results/*-report-github.md 2>/dev/null || true
  exit 0
fi

azurite_install
# Built before anything is timed; the driver starts the app from its Release output.
dotnet build src/Ses.Functions -c Release -nologo -v quiet >/dev/null
dotnet build benchmarks/Ses.Bench -c Release -nologo -v quiet >/dev/null

# Run from copies: a build in this clone during a long run (a test run builds Release too) must not change the app
# under measurement (the runtime maps its assemblies; a file rewritten under it is undefined behaviour).
copies=$(mktemp -d "${TMPDIR:-/tmp}/ses-bench.XXXXXX")
cp -r src/Ses.Functions/bin/Release/net10.0 "$copies/app"
cp -r benchmarks/Ses.Bench/bin/Release/net10.0 "$copies/driver"

blob=$(free_port); queue=$(free_port); table=$(free_port)
AZURITE_LOG="${TMPDIR:-/tmp}/ses-azurite-bench.$$.log"
trap 'azurite_stop; rm -f "$AZURITE_LOG"; rm -rf "$copies"' EXIT
azurite_start "$blob" "$queue" "$table"
export SES_BENCH_STORAGE SES_BENCH_AZURITE SES_BENCH_DOTNET
SES_BENCH_STORAGE=$(azurite_connection_string "$blob" "$queue" "$table")
SES_BENCH_AZURITE=$("$SCRIPTS_DIR/node_modules/.bin/azurite" --version 2>/dev/null || echo "?")
SES_BENCH_DOTNET=$(dotnet --version)
echo "Azurite $SES_BENCH_AZURITE on 127.0.0.1:$blob/$queue/$table"
dotnet "$copies/driver/Ses.Bench.dll" --app "$copies/app/Ses.Functions.dll" "$@"
