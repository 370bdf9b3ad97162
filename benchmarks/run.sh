#!/usr/bin/env bash
# Prints benchmark figures: domain operations and the engine against the raw Azure SDK calls it needs, on Azurite.
# Compare the Ratio column (measured in one run), not absolute times: these machines are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh
azurite_install
blob=$(free_port); queue=$(free_port); table=$(free_port)
trap azurite_stop EXIT
azurite_start "$blob" "$queue" "$table"
export SES_BENCH_STORAGE
SES_BENCH_STORAGE=$(azurite_connection_string "$blob" "$queue" "$table")
# Extra arguments go to BenchmarkDotNet, e.g. --filter '*Calendar*'; the default runs everything.
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--filter '*')
rm -rf BenchmarkDotNet.Artifacts
dotnet run -c Release --project benchmarks/Ses.Benchmarks -- --job short --exporters markdown "${args[@]}"
cat BenchmarkDotNet.Artifacts/results/*-report-github.md 2>/dev/null || true
