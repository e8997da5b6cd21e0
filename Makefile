# ContactPoint — the two commands that do everything (see README.md):
#   make demo   install what is missing, build (Release), load a synthetic population, serve
#   make test   install what is missing, build (Debug + sanitizers), run every test
# and `make bench` for the benchmark table (JSON under bench/results/).

SHELL := /bin/bash
DEBUG_DIR := build/debug
RELEASE_DIR := build/release
FUZZ_DIR := build/fuzz
FUZZ_SECONDS ?= 30

.PHONY: all deps web-deps build release fuzz test demo bench clean help

all: build

help:
	@echo "make demo   - install, build (Release), create a demo store and serve on 127.0.0.1"
	@echo "make test   - install, build (Debug, ASan+UBSan) and run every test"
	@echo "make bench  - run the benchmarks; table on screen, JSON in bench/results/"
	@echo "make fuzz   - build and run the libFuzzer targets for FUZZ_SECONDS (30) each"
	@echo "make clean  - remove build trees"

deps:
	@./scripts/install-deps.sh

# The web front end's npm packages (GOV.UK Frontend, the browser tests' tools).
web-deps: deps
	@./scripts/web-deps.sh

$(DEBUG_DIR)/build.ninja: | deps
	cmake --preset debug

$(RELEASE_DIR)/build.ninja: | deps
	cmake --preset release

$(FUZZ_DIR)/build.ninja: | deps
	cmake --preset fuzz

build: deps web-deps $(DEBUG_DIR)/build.ninja
	cmake --build --preset debug

release: deps web-deps $(RELEASE_DIR)/build.ninja
	cmake --build --preset release

# libFuzzer targets (clang), run for FUZZ_SECONDS each.
fuzz: deps $(FUZZ_DIR)/build.ninja
	cmake --build --preset fuzz --target batch_parser_fuzz
	./scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

# The fuzz run comes first so that CTest's summary is the last thing printed.
test: build fuzz
	ctest --preset debug

demo: release
	./scripts/demo.sh $(RELEASE_DIR)/src/cli/contactpoint

bench: release
	./scripts/bench.sh $(RELEASE_DIR)

clean:
	rm -rf build
