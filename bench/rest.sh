#!/usr/bin/env bash
# The REST API under load (issue #5): `GET /api/v1/posts/<id>/` at 64 connections with a
# personal access token, with HTTP Basic, and with the session cookie, on a scratch copy
# of the generated 1,000,000-post database. Run by `make bench-rest` (after bench-data).
#
# Environment: POSTS (1000000), CONNECTIONS (64), DURATION (10 s), PORT (3952),
# SERVER (target/release/server).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
server=${SERVER:-$target/release/server}
port=${PORT:-3952}
base="http://127.0.0.1:$port"
run=$target/bench-db/rest-run
. bench/serve.sh

dir=$("$target/release/gen" --posts "${POSTS:-1000000}" --print-dir | tail -n 1)
user=$(sed -n 's/^typical=//p' "$dir/bench-ready.txt")
password=$(sed -n 's/^password=//p' "$dir/bench-ready.txt")
serve_copy "$dir" "$run" "$port"

# A token, made the way the settings page makes one: sign in, create, read it once.
jar=$(mktemp)
curl -fs -c "$jar" -H "Origin: $base" --data-urlencode "username=$user" \
    --data-urlencode "password=$password" "$base/api/fn/sign_in" >/dev/null
created=$(curl -fs -b "$jar" -H "Origin: $base" -D - -o /dev/null --data "name=bench" \
    "$base/api/fn/create_token" | sed -n 's/.*created=\([0-9a-f]*\).*/\1/p' | head -n 1)
token=$(curl -fs -b "$jar" -H "Origin: $base" --data "created=$created" "$base/api/fn/tokens" |
    sed -n 's/.*"token":"\(shutter_pat_[0-9a-f]*\)".*/\1/p')
rm -f "$jar"
[ -n "$token" ] || { echo "could not create a token" >&2; exit 1; }
# The newest post of the reader's feed.
post=$(curl -fs -H "Authorization: Bearer $token" "$base/api/v1/posts/?size=1" |
    sed -n 's/.*"postid":\([0-9]*\).*/\1/p')
url="$base/api/v1/posts/$post/"
load=("$target/release/load" "$url" -c "${CONNECTIONS:-64}" -d "${DURATION:-10}" --pid "$pid")

echo "== token"
"${load[@]}" -H "Authorization: Bearer $token"
echo "== basic"
"${load[@]}" --basic "$user:$password"
echo "== session cookie"
"${load[@]}" --sign-in "$user:$password"
