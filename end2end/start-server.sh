#!/usr/bin/env bash
# Starts the release server for the browser tests on a fresh, temporary data folder, and
# removes the folder when the server stops. playwright.config.ts runs it from the
# repository root: end2end/start-server.sh <port>
set -euo pipefail
port="${1:-3100}"
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/shutter-e2e-XXXXXX")"
trap 'rm -rf "$data_dir"' EXIT
# Playwright stops the server by sending SIGTERM to the whole process group.
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" || true; exit 0' TERM INT
./target/release/server --data-dir "$data_dir" --bind "127.0.0.1:$port" &
pid=$!
wait "$pid"
