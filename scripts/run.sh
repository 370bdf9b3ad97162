#!/usr/bin/env bash
# Runs the product locally: installs Azurite, starts it on the standard ports (data kept in .azurite/), runs the app.
# Extra arguments go to the app, e.g. scripts/run.sh --Clock:Mode=Virtual
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

azurite_install
if port_open 10000 && port_open 10001 && port_open 10002; then
  echo "Azurite (or another storage emulator) is already listening on 10000-10002; using it."
else
  AZURITE_LOG=".azurite/azurite.log"
  mkdir -p .azurite
  trap azurite_stop EXIT
  azurite_start 10000 10001 10002 .azurite
  echo "Azurite started on 127.0.0.1:10000-10002 (data in .azurite/)."
fi
[ -f local.settings.json ] || cp local.settings.sample.json local.settings.json
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:7071}"
echo "SES journeys on $ASPNETCORE_URLS (dashboard at /, API under /api, OpenAPI at /openapi/v1.json)"
dotnet run --project src/Ses.Functions --configuration Release -- "$@"
