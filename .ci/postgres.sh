#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite, from Debian's packages.
#
#   .ci/postgres.sh start   initialises and starts it (already started: nothing to do)
#   .ci/postgres.sh env     prints its URL (postgres://postgres@127.0.0.1:<port>/postgres)
#   .ci/postgres.sh stop    stops it and removes its folder
#
# The cluster lives in a temporary folder of its own per checkout (SHUTTER_PG_DIR to
# choose another), listens on 127.0.0.1 on a free port, trusts every local connection
# and does not fsync: it holds test data only, and is gone after `stop`.
set -euo pipefail
cd "$(dirname "$0")/.."

checkout_key=$(pwd | cksum | cut -d' ' -f1)
DIR=${SHUTTER_PG_DIR:-${TMPDIR:-/tmp}/shutter-postgres-$checkout_key}
DATA=$DIR/data
MAX_CONNECTIONS=${SHUTTER_PG_MAX_CONNECTIONS:-400}

say() { printf '\033[1mpostgres:\033[0m %s\n' "$*" >&2; }

# Debian puts initdb and pg_ctl under /usr/lib/postgresql/<version>/bin, off PATH.
find_bin_dir() {
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$newest" ] && [ -x "$newest/pg_ctl" ] && echo "$newest"
}

bin_dir() {
  local dir
  dir=$(find_bin_dir || true)
  if [ -z "$dir" ]; then
    say "apt-get install postgresql"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq || true
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    dir=$(find_bin_dir)
  fi
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, run it as the `postgres` user Debian's
# package creates.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [ -f "$DATA/PG_VERSION" ] && as_owner "$(bin_dir)/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if running; then
    return 0
  fi
  local bin
  bin=$(bin_dir)
  # A folder left by a crashed run is not trusted: start afresh.
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
  as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }
  local port
  port=$(free_port)
  echo "$port" >"$DIR/port"
  # Test data only: durability is not wanted, speed is. Each spawned test server has its
  # own database and pool, hence the many connections.
  as_owner "$bin/pg_ctl" start -D "$DATA" -l "$DIR/server.log" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $DIR -c max_connections=$MAX_CONNECTIONS \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null ||
    { cat "$DIR/server.log" >&2; exit 1; }
  say "started on 127.0.0.1:$port ($DIR)"
}

stop() {
  if running; then
    as_owner "$(bin_dir)/pg_ctl" stop -D "$DATA" -m immediate -w >/dev/null || true
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env)
    running || { say "not started (.ci/postgres.sh start)"; exit 1; }
    echo "postgres://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"
    ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
