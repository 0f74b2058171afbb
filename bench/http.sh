#!/usr/bin/env bash
# The signed-in SSR feed page `/` under load (README, "Feed at scale"), on generated databases of 10,000
# and 1,000,000 posts: starts the release server on a scratch copy of each cached
# database, signs in as the generator's typical user, runs bench's `load` against `/`
# and reports the server's memory (VmRSS, VmHWM) from /proc. Run by `make bench-http`.
#
# Environment: POSTS ("10000 1000000"), CONNECTIONS (64), DURATION (10 s), PORT (3950),
# SERVER (target/release/server).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
server=${SERVER:-$target/release/server}
port=${PORT:-3950}
run=$target/bench-db/http-run
. bench/serve.sh

for posts in ${POSTS:-10000 1000000}; do
    dir=$("$target/release/gen" --posts "$posts" --print-dir | tail -n 1)
    user=$(sed -n 's/^typical=//p' "$dir/bench-ready.txt")
    password=$(sed -n 's/^password=//p' "$dir/bench-ready.txt")
    serve_copy "$dir" "$run" "$port"
    echo "== $posts posts: server pid $pid, VmRSS after start-up $(sed -n 's/^VmRSS:\s*//p' /proc/$pid/status)"
    "$target/release/load" "http://127.0.0.1:$port/" -c "${CONNECTIONS:-64}" -d "${DURATION:-10}" \
        --sign-in "$user:$password" --pid "$pid"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    trap - EXIT
    rm -rf "$run"
done
