#!/usr/bin/env bash
# Shared by run.sh and test.sh: install Azurite from npm (pinned in scripts/package-lock.json) and start or stop it on loopback.
# shellcheck disable=SC2034
AZURITE_DEV_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

azurite_install() {
  # axe-core (the accessibility checks of the console tests) comes with the same install.
  if [ ! -x "$SCRIPTS_DIR/node_modules/.bin/azurite" ] || [ ! -f "$SCRIPTS_DIR/node_modules/axe-core/axe.min.js" ]; then
    echo "Installing Azurite (npm ci in scripts/)..."
    (cd "$SCRIPTS_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# A free TCP port on 127.0.0.1, chosen by the OS.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# azurite_start BLOB QUEUE TABLE [LOCATION]: without LOCATION, storage is in memory (tests).
azurite_start() {
  local blob=$1 queue=$2 table=$3 location=${4:-}
  local args=(--silent --skipApiVersionCheck --loose
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table")
  if [ -n "$location" ]; then mkdir -p "$location"; args+=(--location "$location"); else args+=(--inMemoryPersistence); fi
  "$SCRIPTS_DIR/node_modules/.bin/azurite" "${args[@]}" >"${AZURITE_LOG:-/dev/null}" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if port_open "$blob" && port_open "$queue" && port_open "$table"; then return 0; fi
    sleep 0.2
  done
  echo "Azurite did not start on 127.0.0.1:$blob/$queue/$table" >&2
  return 1
}

# Stops the Azurite this script started: TERM, then KILL if it has not gone within 10 seconds.
azurite_stop() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
}

azurite_connection_string() {
  local blob=$1 queue=$2 table=$3
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_DEV_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
}
