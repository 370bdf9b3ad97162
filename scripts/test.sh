#!/usr/bin/env bash
# The whole test suite: installs Azurite, starts it once on free loopback ports (in memory), runs every test project, stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh

azurite_install
# The dashboard tests drive Debian's Chromium with Playwright (Playwright's own browser download is not used).
if [ -z "${SES_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium (Debian package) for the dashboard tests..."
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
blob=$(free_port); queue=$(free_port); table=$(free_port)
AZURITE_LOG="${TMPDIR:-/tmp}/ses-azurite-test.log"
trap azurite_stop EXIT
azurite_start "$blob" "$queue" "$table"
export SES_TEST_STORAGE
SES_TEST_STORAGE=$(azurite_connection_string "$blob" "$queue" "$table")
echo "Azurite on 127.0.0.1:$blob/$queue/$table"

# A log of its own: several checkouts on one machine must not count each other's tests.
log=$(mktemp "${TMPDIR:-/tmp}/ses-test-output.XXXXXX")
set +e
dotnet test SesFunctions.sln --configuration Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test assembly, in the plain form CI reads.
total() { grep -aEo "$1: *[0-9]+" "$log" | awk '{ n += $NF } END { print n + 0 }'; }
echo "tests: $(total Passed) passed, $(total Failed) failed"
rm -f "$log"
exit "$status"
