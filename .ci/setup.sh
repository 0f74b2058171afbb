#!/usr/bin/env bash
# Installs what building and testing Shutter needs on a fresh Debian 12 machine, and
# nothing twice: each step checks first, so a second run takes a few seconds.
# The pinned Rust toolchain (rust-toolchain.toml) with the wasm32 target through rustup,
# or, if rustup cannot download, Debian's Rust 1.96 with build-std; cargo-leptos and
# wasm-bindgen-cli from crates.io; wasm-opt (npm binaryen) and Playwright from the
# committed end2end/package-lock.json; Debian's chromium. Nothing comes from GitHub.
#
# It writes target/toolchain.env, which the Makefile sources before every cargo command.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
RUST_CHANNEL=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
# wasm-bindgen-cli must be exactly the wasm-bindgen that Cargo.lock resolved.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  as_root apt-get update -qq || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p target
toolchain_env=target/toolchain.env

# 0. A C compiler and linker: rustc links through `cc`, and the bundled SQLite and the
#    server's allocator (mimalloc) are C. curl: the benchmark scripts (bench/*.sh) use it.
command -v cc >/dev/null || apt_install gcc libc6-dev
command -v curl >/dev/null || apt_install curl
command -v python3 >/dev/null || apt_install python3  # .ci/imports.py in make lint, .ci/schemathesis.sh
python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv  # venvs: .ci/seaweedfs.sh, .ci/schemathesis.sh

# 1. Rust: route 1 (rustup), else route 2 (Debian's toolchain + build-std).
#    SHUTTER_RUST_ROUTE=debian forces route 2 (to test it on a machine where rustup works).
if [ "${SHUTTER_RUST_ROUTE:-}" != debian ] \
   && command -v rustup >/dev/null && rustup toolchain install >/dev/null 2>&1 \
   && rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
   && rustup component add rust-src >/dev/null 2>&1; then
  # rust-src: `make build` rebuilds std for the release WebAssembly (-Zbuild-std).
  : > "$toolchain_env"
else
  say "rustup cannot provide $RUST_CHANNEL with wasm32; using Debian's Rust with build-std"
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22 rust-web-clippy rustfmt-web
  if ! command -v rustup >/dev/null; then
    say "rustup is missing: install it from Debian"
    apt_install rustup
  fi
  rustup toolchain list | grep -q '^debian' || rustup toolchain link debian /usr
  cat > "$toolchain_env" <<'ENV'
export RUSTUP_TOOLCHAIN=debian
export RUSTC_BOOTSTRAP=1
export LEPTOS_LIB_ARGS="--lib-cargo-args=-Zbuild-std=std,panic_abort"
export WASM_CARGO_ARGS="-Zbuild-std=std,panic_abort"
ENV
fi
# shellcheck disable=SC1090
. "$toolchain_env"
say "rust: $(rustc --version)"

# 2. cargo-leptos (≈ 20 min on 2 cores, once per machine).
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (takes a while, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# 3. wasm-bindgen-cli at the exact version of the wasm-bindgen crate (≈ 5 min, once).
#    Not --locked: its lockfile pins a webpki-roots release the registry lacks.
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 4. Chromium for the browser tests (Debian's; Playwright never downloads one).
command -v chromium >/dev/null || apt_install chromium

# 5. npm packages: Playwright and binaryen's wasm-opt (never Debian's binaryen 108).
command -v npm >/dev/null || apt_install nodejs npm
stamp=end2end/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ end2end/package-lock.json -nt "$stamp" ]; then
  say "npm ci in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi
say "ready: $(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $(end2end/node_modules/.bin/wasm-opt --version | cut -d' ' -f3), $(chromium --version 2>/dev/null | head -c 40)"
