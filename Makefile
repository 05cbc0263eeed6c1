# The two set-up commands of the README: `make run` and `make test`.
# Settings for `make run` (see README.md): PORT, DATA_DIR, WORKERS, SYNCHRONOUS, HOLD_TTL,
# AUTH_RATE, AUTH_BURST, WRITE_RATE, WRITE_BURST, JOIN_RATE, JOIN_BURST, PAYMENT_DECLINE_RATE, PAYMENT_LATENCY_MS, REPLICA,
# QUEUE_DIFFICULTY.
PORT ?= 8080
DATA_DIR ?= $(CURDIR)/var
export PORT DATA_DIR WORKERS SYNCHRONOUS HOLD_TTL AUTH_RATE AUTH_BURST WRITE_RATE WRITE_BURST JOIN_RATE JOIN_BURST \
       PAYMENT_DECLINE_RATE PAYMENT_LATENCY_MS REPLICA QUEUE_DIFFICULTY

.PHONY: run test bench build deps test-deps lint format unit integration browser fuzz screenshots clean

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	swift build -c release --product booking-fcgi

run: build
	@BOOKING_DATA_DIR="$(DATA_DIR)" .build/release/booking-fcgi demo
	@scripts/stack.sh

# The Swift style (.swift-format: 150 columns); `make format` applies it.
lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format --in-place --recursive Package.swift Sources Tests

unit: test-deps
	swift test

integration: build test-deps
	node --test Tests/JS/
	python3 -m pytest -q Tests/Integration

browser: build test-deps
	python3 -m pytest -q Tests/Browser

# Schemathesis against the running stack, from public/openapi.json (about 3 minutes).
fuzz: build test-deps
	python3 Tests/Fuzz/run_fuzz.py

test: lint unit integration browser fuzz

screenshots: build test-deps
	SCREENSHOT_DIR=$(CURDIR)/docs/screenshots python3 -m pytest -q Tests/Browser/test_screenshots.py

bench: build test-deps
	@command -v wrk >/dev/null || (sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$sudo apt-get install -y -qq wrk >/dev/null)
	python3 bench/bench.py

clean:
	rm -rf .build
