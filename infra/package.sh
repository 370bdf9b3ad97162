#!/usr/bin/env bash
# Builds the Functions custom-handler package: host.json and the function.json folders at the root, the self-contained
# Linux app under app/ (host.json's customHandler points there). Output: artifacts/package/ and artifacts/ses-functions.zip
# The build happens in artifacts/build (its own bin/obj), so it never touches a build the tests are running from.
# Needs only the .NET SDK (and python3 or zip to write the zip); not Azure Functions Core Tools.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/package
rm -rf "$out" && mkdir -p "$out"
dotnet publish src/Ses.Functions -c Release -r linux-x64 --self-contained true \
  --artifacts-path artifacts/build -o "$out/app" -p:GenerateDocumentationFile=false -nologo -v quiet
cp host.json "$out/"
cp -r src/Ses.Functions/functions/* "$out/"
# Never ship local settings (they hold local keys) or anything the build left beside the app.
find "$out" \( -name 'local.settings*.json' -o -name '*.user' \) -delete
rm -f artifacts/ses-functions.zip
if command -v python3 >/dev/null 2>&1; then
  (cd "$out" && python3 -m zipfile -c ../ses-functions.zip ./*)
else
  (cd "$out" && zip -q -r -X ../ses-functions.zip .)
fi
echo "artifacts/ses-functions.zip"
