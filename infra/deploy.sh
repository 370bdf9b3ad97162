#!/usr/bin/env bash
# Deploys SES journeys to Azure with the az CLI (not used by tests or CI). See the README, "Deploying to Azure".
#
#   infra/deploy.sh [--what-if] RESOURCE_GROUP UC_INBOX POLICY_INBOX [name=value ...]
#
# --what-if only shows what the Bicep deployment would create or change (az deployment group what-if): nothing is
# built, uploaded or changed. Extra name=value pairs are Bicep parameters (e.g. useSendGrid=false, name=sesdemo,
# a JSON value such as 'providers=[{"id":"prov-a",...}]'). The deploying identity (DEPLOYER_ID, default: the signed-in user) is granted upload
# rights on the package container and secret-officer rights on the Key Vault.
set -euo pipefail
cd "$(dirname "$0")/.."
whatif=false
if [ "${1:-}" = "--what-if" ]; then whatif=true; shift; fi
if [ $# -lt 3 ]; then
  echo "usage: infra/deploy.sh [--what-if] RESOURCE_GROUP UC_INBOX POLICY_INBOX [name=value ...]" >&2
  exit 2
fi
rg=$1; uc=$2; policy=$3; shift 3
deployer=${DEPLOYER_ID:-$(az ad signed-in-user show --query id -o tsv 2>/dev/null || true)}
params=(ucServiceCentreInbox="$uc" sesPolicyInbox="$policy" deployerPrincipalId="$deployer" "$@")

if $whatif; then
  az deployment group what-if -g "$rg" -n ses-journeys -f infra/main.bicep -p "${params[@]}"
  exit 0
fi

bash infra/package.sh
az deployment group create -g "$rg" -n ses-journeys -f infra/main.bicep -p "${params[@]}" -o none
output() { az deployment group show -g "$rg" -n ses-journeys --query "properties.outputs.$1.value" -o tsv; }
app=$(output functionAppName); account=$(output storageAccountName); vault=$(output keyVaultName)

# The package goes to the blob that WEBSITE_RUN_FROM_PACKAGE names, with the deployer's Azure AD login (shared keys are
# off). A role assignment made a moment ago can take a few minutes to apply, hence the retries.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if az storage blob upload --auth-mode login --account-name "$account" -c deployments -n ses-functions.zip \
       -f artifacts/ses-functions.zip --overwrite -o none; then break; fi
  [ "$attempt" = 10 ] && { echo "upload failed" >&2; exit 1; }
  echo "Waiting for the upload permission to apply ($attempt/10)..."; sleep 30
done
az functionapp restart -g "$rg" -n "$app"
az rest --method post --uri "$(az functionapp show -g "$rg" -n "$app" --query id -o tsv)/syncfunctiontriggers?api-version=2023-12-01" -o none
echo "Function App: $app (https://$(output functionAppHost))"
echo "Key Vault:    $vault (set the secrets: see the README)"
echo "Storage:      $account"
