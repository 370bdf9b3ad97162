#!/usr/bin/env bash
# Builds the Functions custom-handler package: host.json and the function.json folders at the root, the self-contained
# Linux app under app/ (host.json's customHandler points there). Output: artifacts/ses-functions.zip
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/package
rm -rf "$out" && mkdir -p "$out"
dotnet publish src/Ses.Functions -c Release -r linux-x64 --self-contained true -o "$out/app"
cp host.json "$out/"
cp -r src/Ses.Functions/functions/* "$out/"
(cd "$out" && rm -f ../ses-functions.zip && python3 -m zipfile -c ../ses-functions.zip .)
echo "artifacts/ses-functions.zip"
