#!/usr/bin/env bash
# Runs the product locally: installs Azurite, starts it on the standard ports (data kept in .azurite/), runs the app.
# Extra arguments go to the app, e.g. scripts/run.sh --Clock:Mode=Virtual
#   scripts/run.sh --demo        also drives a synthetic programme (2,000 participants, SES_DEMO_PARTICIPANTS to change it,
#                                 over 2.5 years, storage prefix "sesdemo") through the API and the virtual clock, then keeps serving it
#   scripts/run.sh --demo-purge  removes every synthetic journey of the demo through the API
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

demo=""
case "${1:-}" in --demo|--demo-purge) demo=$1; shift ;; esac
if [ -z "$demo" ]; then
  dotnet run --project src/Ses.Functions --configuration Release -- "$@"
  exit $?
fi

# The demo programme: synthetic data on a storage prefix of its own, never mixed with real journeys.
demo_args=(--Storage:Prefix=sesdemo --Clock:Mode=Virtual --Clock:Start=2024-01-01T06:00:00+00:00)
for p in demo-north:england-and-wales demo-south:england-and-wales demo-scotland:scotland demo-ni:northern-ireland; do
  id=${p%%:*}
  demo_args+=("--Providers:$id:Name=$id" "--Providers:$id:Email=staff@$id.invalid" "--Providers:$id:ClaimsEmail=claims@$id.invalid" "--Providers:$id:Region=${p#*:}")
done
for project in src/Ses.Functions src/Ses.Demo; do dotnet build "$project" --configuration Release -v quiet -nologo >/dev/null; done
dotnet run --project src/Ses.Functions --configuration Release --no-build -- "${demo_args[@]}" "$@" &
app=$!
trap 'kill $app 2>/dev/null || true; azurite_stop' EXIT
for _ in $(seq 1 120); do curl -sf "$ASPNETCORE_URLS/api/health" >/dev/null && break; sleep 0.5; done
key=$(sed -n 's/.*"Auth__ApiKeys__2__Key": "\(.*\)".*/\1/p' local.settings.json)
if [ "$demo" = "--demo-purge" ]; then
  dotnet run --project src/Ses.Demo --configuration Release --no-build -- --url "$ASPNETCORE_URLS" --key "${key:-local-operator-key}" --purge
  exit 0
fi
dotnet run --project src/Ses.Demo --configuration Release --no-build -- --url "$ASPNETCORE_URLS" --key "${key:-local-operator-key}" --participants "${SES_DEMO_PARTICIPANTS:-2000}" \
  || echo "The demo programme did not run to the end (already run? the clock is kept per prefix: delete .azurite/ to start again)."
echo "Demo programme loaded: open $ASPNETCORE_URLS/ with the operator key. Ctrl-C stops."
wait $app
