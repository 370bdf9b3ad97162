#!/usr/bin/env bash
# Deploys to Azure (needs the az CLI and a logged-in account; not used by tests or CI).
# Usage: infra/deploy.sh RESOURCE_GROUP UC_INBOX POLICY_INBOX [SENDGRID_KEY]
set -euo pipefail
cd "$(dirname "$0")/.."
rg=$1; uc=$2; policy=$3; key=${4:-}
bash infra/package.sh
app=$(az deployment group create -g "$rg" -f infra/main.bicep \
  -p ucServiceCentreInbox="$uc" sesPolicyInbox="$policy" sendGridApiKey="$key" \
  --query properties.outputs.functionAppName.value -o tsv)
az functionapp deployment source config-zip -g "$rg" -n "$app" --src artifacts/ses-functions.zip
