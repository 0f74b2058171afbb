# Shutter: `make run` serves the site, `make test` runs every test. Both install what is
# missing first (`make setup`, idempotent). See README.md.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

# wasm-opt from end2end/node_modules (npm binaryen) must come first on PATH.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Written by setup: the toolchain route (rustup, or Debian + build-std).
TOOLCHAIN := . target/toolchain.env &&

# The release WebAssembly only (README, "First load, hydration, Lighthouse and navigation"):
# std rebuilt from source (rustup's rust-src) for size, and panics compiled to an immediate
# trap (silent in the browser console). -Z flags need RUSTC_BOOTSTRAP=1, given to the
# front end's cargo-leptos call only: the server's build (second call) never sees it.
# These include route 2's LEPTOS_LIB_ARGS (-Zbuild-std), which `make watch` still uses.
WASM_RELEASE_ARGS := --lib-cargo-args=-Zbuild-std=std,panic_abort \
  --lib-cargo-args=-Zbuild-std-features=optimize_for_size \
  '--lib-cargo-args=--config=target.wasm32-unknown-unknown.rustflags=["-Zunstable-options","-Cpanic=immediate-abort"]'

DATA_DIR ?= ./data
BIND ?= 127.0.0.1:3000

.PHONY: setup build rebuild run watch test lint unit e2e soak fmt bench bench-pipeline bench-data bench-feed bench-http bench-rest demo backup clean

setup:
	@bash .ci/setup.sh

# A build on a tree where nothing that feeds it changed (sources, Cargo.lock, style/,
# public/, tool versions: .ci/build-stamp.sh) is skipped; FORCE=1 (or `make rebuild`)
# builds anyway. The fingerprint is taken before the build, the stamp written after it.
build: setup
	@$(TOOLCHAIN) inputs=$$(bash .ci/build-stamp.sh inputs); \
	  if [ -z "$(FORCE)" ] && bash .ci/build-stamp.sh fresh "$$inputs"; then \
	    echo "build: nothing changed since the last build (FORCE=1 make build to build anyway)"; \
	  else \
	    bash .ci/build-stamp.sh clear; \
	    set -x; \
	    RUSTC_BOOTSTRAP=1 cargo leptos build --release --frontend-only $(WASM_RELEASE_ARGS); \
	    cargo leptos build --release --server-only; \
	    node .ci/precompress.mjs target/site/pkg; \
	    { set +x; } 2>/dev/null; \
	    bash .ci/build-stamp.sh write "$$inputs"; \
	  fi

rebuild:
	$(MAKE) build FORCE=1

run: build
	./target/release/server --data-dir $(DATA_DIR) --bind $(BIND)

# Unhashed file names while watching: cargo-leptos rebuilds the front end under its plain
# names on a change and would leave the hash file naming the old ones.
watch: setup
	$(TOOLCHAIN) LEPTOS_HASH_FILES=false cargo leptos watch $${LEPTOS_LIB_ARGS:-}

test: setup lint unit e2e

lint:
	python3 .ci/imports.py
	bash .ci/build-stamp-test.sh
	$(TOOLCHAIN) cargo fmt --all --check
	$(TOOLCHAIN) cargo clippy --locked -p app --features ssr --all-targets -- -D warnings
	$(TOOLCHAIN) cargo clippy --locked -p server --all-targets -- -D warnings
	$(TOOLCHAIN) cargo clippy --locked -p bench --all-targets -- -D warnings
	$(TOOLCHAIN) cargo clippy --locked -p frontend --target wasm32-unknown-unknown $${WASM_CARGO_ARGS:-} -- -D warnings

# The server's black-box suite runs twice: on SQLite with photos in the data folder (as
# `make run` does), then on a throwaway PostgreSQL cluster (.ci/postgres.sh) with photos in
# a real S3 store (SeaweedFS, .ci/seaweedfs.sh), both stopped afterwards even on failure.
unit:
	$(TOOLCHAIN) cargo test --locked -p app --features ssr
	$(TOOLCHAIN) cargo test --locked -p server
	trap 'bash .ci/seaweedfs.sh stop; bash .ci/postgres.sh stop' EXIT; \
	  bash .ci/postgres.sh start; bash .ci/seaweedfs.sh start; eval "$$(bash .ci/seaweedfs.sh env)"; \
	  $(TOOLCHAIN) cargo test --locked -p app --features ssr --lib -- media:: && \
	  $(TOOLCHAIN) SHUTTER_TEST_DATABASE_URL=$$(bash .ci/postgres.sh env) cargo test --locked -p server --test api

e2e: build
	cd end2end && npx playwright test

# The slow suites (README, "Hostile-input, concurrency and soak suites"): the concurrency
# suite for a full minute, kill -9 under load, each fuzz target for FUZZ_SECS, and
# schemathesis against the served OpenAPI document. About 15 minutes on 2 cores.
soak: setup
	$(TOOLCHAIN) cargo build --locked -p server --tests
	@status=0; \
	  $(TOOLCHAIN) SHUTTER_SOAK_SECS=$${SHUTTER_SOAK_SECS:-60} cargo test --locked -p server --test api -- --exact concurrency::sixty_four_people_at_once_keep_every_count_and_every_author || status=1; \
	  $(TOOLCHAIN) cargo test --locked -p server --test api -- --ignored --exact soak::kill_nine_under_load_loses_no_acknowledged_write || status=1; \
	  $(TOOLCHAIN) bash .ci/fuzz.sh || status=1; \
	  bash .ci/schemathesis.sh target/debug/server || status=1; \
	  exit $$status

# Measurements, never tests: see bench/ and the README's "Measured" section. Generated
# databases are cached in target/bench-db/ (keyed by generator version and migrations);
# the first run generates them (about 1.5 min for 1,000,000 posts on 2 cores).
bench: bench-pipeline bench-feed bench-http bench-rest

bench-pipeline: setup
	$(TOOLCHAIN) cargo run --locked --release -p bench --bin pipeline

bench-data: setup
	$(TOOLCHAIN) cargo build --locked --release -p bench
	./target/release/gen --posts 10000
	./target/release/gen --posts 1000000

bench-feed: bench-data
	./target/release/feed

bench-http: build bench-data
	bash bench/http.sh

bench-rest: build bench-data
	bash bench/rest.sh

fmt:
	cargo fmt --all

# Fills an empty ./data with demo people and photos, then serves it.
demo: build
	./target/release/server --data-dir $(DATA_DIR) demo
	./target/release/server --data-dir $(DATA_DIR) --bind $(BIND)

backup:
	./target/release/server --data-dir $(DATA_DIR) backup --to $(DATA_DIR)/backup-$$(date +%Y%m%d-%H%M%S).db

clean:
	cargo clean
