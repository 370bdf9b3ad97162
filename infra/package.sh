#!/usr/bin/env bash
# Builds the Functions app's deployment package (ADR 011): `dotnet publish` of the isolated-worker app
# (src/Ses.FunctionApp): its assemblies, host.json, functions.metadata, worker.config.json, extensions.json, the host's
# Durable extension in .azurefunctions/ and the console's files in wwwroot/, zipped as zip deploy / run-from-package wants
# (the publish folder's contents at the zip's root). Output: artifacts/package/ and artifacts/ses-functions.zip.
# The build happens in artifacts/build (its own bin/obj), so it never touches a build the tests are running from.
# Needs only the .NET SDK (and python3 or zip to write the zip); not Azure Functions Core Tools.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/package
rm -rf "$out" && mkdir -p "$out"
dotnet publish src/Ses.FunctionApp -c Release --artifacts-path artifacts/build -o "$out" -p:GenerateDocumentationFile=false -nologo -v quiet
# Never ship local settings (they hold local keys) or anything the build left beside the app.
find "$out" \( -name 'local.settings*.json' -o -name '*.user' -o -name '*.pdb' \) -delete
rm -f artifacts/ses-functions.zip
if command -v python3 >/dev/null 2>&1; then
  (cd "$out" && python3 -m zipfile -c ../ses-functions.zip $(ls -A))
else
  (cd "$out" && zip -q -r -X ../ses-functions.zip .)
fi
echo "artifacts/ses-functions.zip"
