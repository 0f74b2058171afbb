#!/usr/bin/env bash
# Lets `make build` skip `cargo leptos build` and the precompression when nothing that
# feeds them changed since the last successful build.
#
#   bash .ci/build-stamp.sh inputs         prints the fingerprint of the inputs
#   bash .ci/build-stamp.sh fresh [inputs] exit 0 if the stamp holds those inputs (taken
#                                          now if not given) and the outputs are still
#                                          the ones the build left
#   bash .ci/build-stamp.sh write <inputs> after a successful build: records <inputs>
#                                          (printed by `inputs` BEFORE the build, so an
#                                          edit made during the build is seen next time)
#                                          and the outputs as they are now
#   bash .ci/build-stamp.sh clear          forgets the stamp (before a build starts)
#
# The inputs: the content of every file git tracks or would track (untracked files that
# are not ignored count too; a deleted file counts as deleted), except the browser tests
# (end2end/) and Markdown; the versions of the tools (rustc, cargo, cargo-leptos,
# wasm-bindgen, wasm-opt, node) and the environment that changes their output (LEPTOS_*,
# RUSTFLAGS, RUSTC*, CARGO_PROFILE_* and the like, target/toolchain.env). The outputs: size and mtime of
# the server binary and of every file of the site, so a binary rebuilt by plain cargo (or
# a site folder someone changed) is rebuilt too. Tests: .ci/build-stamp-test.sh.
set -euo pipefail
cd "${SHUTTER_STAMP_ROOT:-$(dirname "$0")/..}"

STAMP=target/build-stamp
SERVER=target/release/server
SITE=target/site
# Variables that change what cargo, cargo-leptos or rustc make (not RUST_LOG and the like).
BUILD_ENV='^(LEPTOS_[A-Z_]*|RUSTFLAGS|RUSTDOCFLAGS|RUSTC[A-Z_]*|RUSTUP_TOOLCHAIN|CARGO_ENCODED_RUSTFLAGS|CARGO_BUILD_[A-Z_]*|CARGO_PROFILE_[A-Z_]*|CARGO_TARGET_[A-Z_]*|CARGO_HOME|WASM_CARGO_ARGS)='

sha() { sha256sum | cut -d' ' -f1; }

inputs() {
  {
    echo "files:"
    # Every file git tracks or would track; a deleted one drops out of the list.
    git ls-files -z --cached --others --exclude-standard --deduplicate \
      | while IFS= read -r -d '' path; do
          case "$path" in
            end2end/*|*.md) ;;
            *) if [ -f "$path" ]; then printf '%s\0' "$path"; fi ;;
          esac
        done \
      | xargs -0 --no-run-if-empty sha256sum --
    echo "tools:"
    for tool in "rustc -vV" "cargo -V" "cargo leptos --version" "wasm-bindgen --version" \
                "wasm-opt --version" "node --version"; do
      printf '%s: %s\n' "$tool" "$($tool 2>/dev/null | tr '\n' ' ' || echo missing)"
    done
    echo "environment:"
    env | grep -E "$BUILD_ENV" | LC_ALL=C sort || true
    if [ -f target/toolchain.env ]; then cat target/toolchain.env; fi
  } | sha
}

outputs() {
  [ -x "$SERVER" ] && [ -d "$SITE" ] || { echo none; return; }
  find "$SERVER" "$SITE" -printf '%p %y %s %T@\n' | LC_ALL=C sort | sha
}

case "${1:-}" in
  inputs) inputs ;;
  fresh)
    [ -f "$STAMP" ] || exit 1
    expected="${2:-$(inputs)} $(outputs)"
    [ "$(cat "$STAMP")" = "$expected" ] ;;
  write)
    [ -n "${2:-}" ] || { echo "usage: $0 write <inputs>" >&2; exit 2; }
    mkdir -p target
    printf '%s %s' "$2" "$(outputs)" > "$STAMP.tmp"
    mv "$STAMP.tmp" "$STAMP" ;;
  clear) rm -f "$STAMP" ;;
  *) echo "usage: $0 inputs | fresh | write <inputs> | clear" >&2; exit 2 ;;
esac
