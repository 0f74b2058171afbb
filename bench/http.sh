#!/usr/bin/env bash
# Signed-in SSR pages under load (README, "Measured"): the feed `/`, a post page
# `/posts/<newest>/` and explore `/explore/`, and like toggles on the newest post (each
# connection its own person, the count checked exact at the end), on generated databases of 10,000 and
# 1,000,000 posts. Starts the release server on a scratch copy of each cached database
# (ENGINE=postgres: on a PostgreSQL copy of it, bench/postgres.sh), signs in as the
# generator's typical user, runs bench's `load` against each page and reports the
# server's memory (VmRSS, VmHWM) from /proc; on PostgreSQL it first times the feed query
# alone and prints its plan (bench's `feed`). Run by `make bench-http` (and
# `make bench-http ENGINE=postgres`).
#
# Environment: ENGINE (sqlite), POSTS ("10000 1000000"), PAGES ("feed post explore like"),
# CONNECTIONS (64), DURATION (10 s), PORT (3950), SERVER (target/release/server).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
server=${SERVER:-$target/release/server}
port=${PORT:-3950}
engine=${ENGINE:-sqlite}
run=$target/bench-db/http-run
. bench/serve.sh
case $engine in
    sqlite) ;;
    postgres) . bench/postgres.sh; on_exit=postgres_stop ;;
    *) echo "ENGINE is sqlite or postgres, not $engine" >&2; exit 2 ;;
esac

echo "== $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- app server bench || echo ' (modified)'), $engine, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for posts in ${POSTS:-10000 1000000}; do
    dir=$("$target/release/gen" --posts "$posts" --print-dir | tail -n 1)
    user=$(sed -n 's/^typical=//p' "$dir/bench-ready.txt")
    password=$(sed -n 's/^password=//p' "$dir/bench-ready.txt")
    options=()
    copy_data "$dir" "$run"
    if [ "$engine" = postgres ]; then
        postgres_copy "$run" "bench_$posts"
        options=(--database-url "$database_url")
        # The feed query alone on PostgreSQL, and its plan (make bench-feed does SQLite's).
        "$target/release/feed" --database-url "$database_url"
    fi
    start_server "$run" "$port" "${options[@]}"
    echo "== $posts posts: server pid $pid, VmRSS after start-up $(sed -n 's/^VmRSS:\s*//p' /proc/$pid/status)"
    for page in ${PAGES:-feed post explore like}; do
        who=(--sign-in "$user:$password")
        case $page in
            feed) path=/ ;;
            post) path=/posts/$posts/ ;;
            explore) path=/explore/ ;;
            # People user01000, user01001, … (one per connection) toggle a like on the newest post.
            like) path=/posts/$posts/; who=(--like "$posts" --sign-in-each "user#####:$password" --first 1000) ;;
            *) echo "PAGES are feed, post, explore and like, not $page" >&2; exit 2 ;;
        esac
        echo "-- $page: $path"
        "$target/release/load" "http://127.0.0.1:$port$path" -c "${CONNECTIONS:-64}" -d "${DURATION:-10}" \
            "${who[@]}" --pid "$pid"
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$run"
done
