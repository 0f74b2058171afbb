#!/usr/bin/env bash
# Tests of .ci/build-stamp.sh (when `make build` may skip the build) and of the skipping
# in .ci/precompress.mjs, on a throwaway git repository with stand-in tools. Run by
# `make lint`; takes a few seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/shutter-stamp-test-XXXXXX")"
trap 'rm -rf "$work"' EXIT

failures=0
pass() { printf '  ok   %s\n' "$1"; }
fail() { printf '  FAIL %s\n' "$1"; failures=$((failures + 1)); }

# Stand-in tools whose versions the test can change.
mkdir -p "$work/bin"
for tool in rustc wasm-bindgen wasm-opt; do
  printf '#!/bin/sh\necho "%s ${FAKE_VERSION:-1.0}"\n' "$tool" > "$work/bin/$tool"
done
printf '#!/bin/sh\nif [ "$1" = leptos ]; then echo "cargo-leptos ${FAKE_LEPTOS_VERSION:-0.3.11}"; else echo "cargo 1.0"; fi\n' \
  > "$work/bin/cargo"
chmod +x "$work/bin"/*
export PATH="$work/bin:$PATH"
# The stamp must not see this machine's build environment.
unset LEPTOS_LIB_ARGS WASM_CARGO_ARGS RUSTUP_TOOLCHAIN RUSTFLAGS RUSTC_BOOTSTRAP || true

repo="$work/repo"
mkdir -p "$repo"/{.ci,app/src,style,public,end2end/tests,target/release,target/site/pkg}
cp "$here/build-stamp.sh" "$repo/.ci/"
cd "$repo"
git init -q .
printf 'target/\ndata/\n' > .gitignore
echo 'pub fn a() {}' > app/src/lib.rs
echo 'pub fn old() {}' > app/src/old.rs
echo '# lock v1' > Cargo.lock
echo 'body { color: black }' > style/main.css
echo 'User-agent: *' > public/robots.txt
echo '# Shutter' > README.md
echo 'test()' > end2end/tests/a.spec.ts
git add -A && git -c user.name=t -c user.email=t@t commit -qm init
echo 'binary v1' > target/release/server && chmod +x target/release/server
echo 'css' > target/site/pkg/shutter.css
echo 'export LEPTOS_LIB_ARGS=' > target/toolchain.env

stamp() { bash .ci/build-stamp.sh "$@"; }
built() { stamp write "$(stamp inputs)"; }
# expect_rebuild NAME CHANGE UNDO: after CHANGE the build must run; after UNDO (and a new
# stamp) it may be skipped again.
expect_rebuild() {
  built
  eval "$2"
  if stamp fresh; then fail "$1 rebuilds"; else pass "$1 rebuilds"; fi
  eval "$3"
  built
}
expect_skip() {
  built
  eval "$2"
  if stamp fresh; then pass "$1 does not rebuild"; else fail "$1 does not rebuild"; fi
  eval "${3:-:}"
}

echo "build-stamp.sh:"
stamp clear
if stamp fresh; then fail "no stamp rebuilds"; else pass "no stamp rebuilds"; fi
built
if stamp fresh; then pass "an unchanged tree does not rebuild"; else fail "an unchanged tree does not rebuild"; fi

expect_rebuild "an edited source file" "echo '// x' >> app/src/lib.rs" "git checkout -q app/src/lib.rs"
expect_rebuild "an edited, staged source file" "echo '// x' >> app/src/lib.rs; git add app/src/lib.rs" \
  "git reset -q app/src/lib.rs; git checkout -q app/src/lib.rs"
expect_rebuild "a new untracked source file" "echo 'fn n() {}' > app/src/new.rs" "rm app/src/new.rs"
expect_rebuild "a deleted source file" "rm app/src/old.rs" "git checkout -q app/src/old.rs"
expect_rebuild "a renamed source file" "mv app/src/old.rs app/src/older.rs" "mv app/src/older.rs app/src/old.rs"
expect_rebuild "a changed Cargo.lock" "echo '# lock v2' > Cargo.lock" "git checkout -q Cargo.lock"
expect_rebuild "a changed style/ file" "echo 'a {}' >> style/main.css" "git checkout -q style/main.css"
expect_rebuild "a changed public/ file" "echo 'Disallow: /' >> public/robots.txt" "git checkout -q public/robots.txt"
expect_rebuild "a new public/ file" "echo x > public/new.txt" "rm public/new.txt"
expect_rebuild "another rustc" "export FAKE_VERSION=2.0" "unset FAKE_VERSION"
expect_rebuild "another cargo-leptos" "export FAKE_LEPTOS_VERSION=0.3.12" "unset FAKE_LEPTOS_VERSION"
expect_rebuild "LEPTOS_LIB_ARGS set" "export LEPTOS_LIB_ARGS=--lib-cargo-args=-Zbuild-std" "unset LEPTOS_LIB_ARGS"
expect_rebuild "LEPTOS_HASH_FILES set" "export LEPTOS_HASH_FILES=false" "unset LEPTOS_HASH_FILES"
expect_rebuild "a changed target/toolchain.env" "echo 'export RUSTC_BOOTSTRAP=1' >> target/toolchain.env" \
  "echo 'export LEPTOS_LIB_ARGS=' > target/toolchain.env"
expect_rebuild "a server binary rebuilt by plain cargo" "sleep 0.01; echo 'binary v2' > target/release/server" ":"
expect_rebuild "a missing server binary" "mv target/release/server target/server.bak" "mv target/server.bak target/release/server"
expect_rebuild "a file added to the site" "echo x > target/site/pkg/extra.js" "rm target/site/pkg/extra.js"
expect_rebuild "a file of the site removed" "rm target/site/pkg/shutter.css" "echo css > target/site/pkg/shutter.css"
expect_rebuild "a file of the site changed" "sleep 0.01; echo other > target/site/pkg/shutter.css" ":"

expect_skip "a Markdown file" "echo more >> README.md" "git checkout -q README.md"
expect_skip "a browser test" "echo more >> end2end/tests/a.spec.ts; echo 'x' > end2end/tests/b.spec.ts" \
  "git checkout -q end2end; rm end2end/tests/b.spec.ts"
expect_skip "an ignored file (the data folder)" "mkdir -p data; echo x > data/shutter.db" "rm -r data"
expect_skip "a source file touched but not changed" "sleep 0.01; touch app/src/lib.rs"
expect_skip "RUST_LOG (not a build setting)" "export RUST_LOG=debug" "unset RUST_LOG"

# A stamp written with the fingerprint taken before the build: an edit made during the
# build is seen by the next `make build`.
before="$(stamp inputs)"
echo '// edited while building' >> app/src/lib.rs
stamp write "$before"
if stamp fresh; then fail "an edit made during the build rebuilds"; else pass "an edit made during the build rebuilds"; fi
git checkout -q app/src/lib.rs

echo "precompress.mjs:"
pkg="$work/pkg"
mkdir -p "$pkg"
printf 'console.log("v1");%.0s' {1..50} > "$pkg/a.js"
echo 'not compressed' > "$pkg/readme.txt"
node "$here/precompress.mjs" "$pkg" > /dev/null
if [ -s "$pkg/a.js.br" ] && [ -s "$pkg/a.js.gz" ] && [ ! -e "$pkg/readme.txt.br" ]; then
  pass "writes .br and .gz of JS/CSS/WASM only"
else
  fail "writes .br and .gz of JS/CSS/WASM only"
fi
br_mtime="$(stat -c %y "$pkg/a.js.br")"
sleep 0.01
out="$(node "$here/precompress.mjs" "$pkg")"
if [ "$(stat -c %y "$pkg/a.js.br")" = "$br_mtime" ] && [[ "$out" == *"1 file(s) already compressed"* ]]; then
  pass "skips a file whose copies are current"
else
  fail "skips a file whose copies are current ($out)"
fi
sleep 0.01
printf 'console.log("v2");%.0s' {1..50} > "$pkg/a.js"
node "$here/precompress.mjs" "$pkg" > /dev/null
if [ "$(node -e 'const z=require("node:zlib"),f=require("node:fs");process.stdout.write(z.brotliDecompressSync(f.readFileSync(process.argv[1])).toString()===f.readFileSync(process.argv[2],"utf8")?"same":"differs")' "$pkg/a.js.br" "$pkg/a.js")" = same ] \
  && [ "$(gzip -dc "$pkg/a.js.gz")" = "$(cat "$pkg/a.js")" ]; then
  pass "recompresses a changed file"
else
  fail "recompresses a changed file"
fi
sleep 0.01
touch "$pkg/a.js"
out="$(node "$here/precompress.mjs" "$pkg")"
if [[ "$out" == *"a.js"*"-> br"* ]]; then pass "recompresses a file newer than one of its copies"; else fail "recompresses a file newer than one of its copies"; fi
rm "$pkg/a.js"
node "$here/precompress.mjs" "$pkg" > /dev/null
if [ ! -e "$pkg/a.js.br" ] && [ ! -e "$pkg/a.js.gz" ]; then
  pass "removes copies whose file is gone"
else
  fail "removes copies whose file is gone"
fi

if [ "$failures" -gt 0 ]; then
  echo "build-stamp-test: $failures failure(s)"
  exit 1
fi
echo "build-stamp-test: all passed"
