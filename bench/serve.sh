# Sourced by bench/http.sh and bench/rest.sh: serve a scratch copy of a generated data
# folder with the release server.
#
#   serve_copy <generated dir> <scratch dir> <port> [server options…]
#
# Copies the database (the photos as hard links), starts the server in the background
# with the options given (e.g. --database-url), waits for /healthz and sets `pid`; the
# caller kills it (an EXIT trap is set here too, which also runs `$on_exit` if set).
serve_copy() {
    copy_data "$1" "$2"
    start_server "$2" "$3" "${@:4}"
}

copy_data() {
    local dir=$1 run=$2
    rm -rf "$run"
    mkdir -p "$run"
    cp "$dir/shutter.db" "$run/"
    cp -al "$dir/media" "$run/media" # hard links: no copy of the photos
}

start_server() {
    local run=$1 port=$2
    "$server" --data-dir "$run" --bind "127.0.0.1:$port" --log warn "${@:3}" &
    pid=$!
    trap 'kill $pid 2>/dev/null || true; rm -rf "'"$run"'"; '"${on_exit:-}" EXIT
    for _ in $(seq 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server did not start on port $port" >&2
    return 1
}
