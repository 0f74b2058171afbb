#!/usr/bin/env bash
# Runs each cargo-fuzz target of app/fuzz for a bounded time (FUZZ_SECS, default 60).
# cargo-fuzz needs nightly compiler flags: the pinned stable toolchain accepts them with
# RUSTC_BOOTSTRAP=1, so no nightly is downloaded. Builds go to app/fuzz/target. Installs
# cargo-fuzz from crates.io if it is missing. A crash leaves its input in
# app/fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
FUZZ_SECS=${FUZZ_SECS:-60}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
cd app/fuzz
mkdir -p corpus/image_intake
# Seed the image target with the test photos (tiny ones first: they fuzz fastest).
for f in ../../server/tests/fixtures/{transparent.png,photo.webp,animated.gif,truncated.jpg,cmyk.jpg}; do
  [ -f "$f" ] && cp -n "$f" corpus/image_intake/
done
mkdir -p ../../target/soak
for target in caption domain image_intake; do
  log=../../target/soak/fuzz-$target.log
  echo "fuzz: $target for ${FUZZ_SECS}s (log: target/soak/fuzz-$target.log)"
  if cargo fuzz run --target-dir target "$target" -- \
      -max_total_time="$FUZZ_SECS" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 >"$log" 2>&1; then
    grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$log" || true
  else
    echo "fuzz: $target FAILED; the end of its log:" >&2
    tail -40 "$log" >&2
    failed=1
  fi
done
exit "${failed:-0}"
