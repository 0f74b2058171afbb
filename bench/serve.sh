# Sourced by bench/http.sh and bench/rest.sh: serve a scratch copy of a generated data
# folder with the release server.
#
#   serve_copy <generated dir> <scratch dir> <port>
#
# Copies the database (the photos as hard links), starts the server in the background,
# waits for /healthz and sets `pid`; the caller kills it (an EXIT trap is set here too).
serve_copy() {
    local dir=$1 run=$2 port=$3
    rm -rf "$run"
    mkdir -p "$run"
    cp "$dir/shutter.db" "$run/"
    cp -al "$dir/media" "$run/media" # hard links: no copy of the photos
    "$server" --data-dir "$run" --bind "127.0.0.1:$port" --log warn &
    pid=$!
    trap 'kill $pid 2>/dev/null || true; rm -rf "'"$run"'"' EXIT
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server did not start on port $port" >&2
    return 1
}
