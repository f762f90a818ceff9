# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Python deps come from uv.lock (uv itself from PyPI when missing); Kafka
# broker jars from Maven Central via kafka/pom.xml into the git-ignored .kafka/.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: venv native jars browser demo test test-unit lint bench broker-stop clean

venv: $(BIN)/newsstreams

$(BIN)/newsstreams: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --user --quiet uv
	$(UV) sync --frozen --extra test --extra bench --extra native --python $(PYTHON)
	@touch $@

# The tagger's modules compiled by mypyc into the git-ignored .native/ (about
# 90 s, then a no-op until one of them changes; see streams/ner/native.py).
native: venv
	@$(BIN)/python -c "import sys, streams.ner.native as n; sys.exit(n.main())"

jars: venv
	$(BIN)/newsstreams broker fetch

demo: jars native
	$(BIN)/newsstreams demo

test: jars browser native
	$(BIN)/pytest -ra

# Headless Chromium for the live-page browser test
# (tests/integration/test_live_page.py): Debian's chromium and chromium-driver
# from apt, only when missing; DejaVu has the Arabic glyphs the page shows.
CHROMIUM_PACKAGES := chromium chromium-driver fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(CHROMIUM_PACKAGES); \
	fi

# Benchmarks into bench/ (results.json, report.md, chart.png); starts the local
# broker when none answers, skips when ../shared/corpus is absent.
# BENCH_ARGS=--quick (or --long, --offline-only, --profile) for other runs.
bench: jars native
	$(BIN)/newsstreams bench $(BENCH_ARGS)

test-unit: native
	$(BIN)/pytest -ra tests/unit

lint: venv
	$(BIN)/ruff check streams tests
	$(BIN)/ruff format --check streams tests

broker-stop: venv
	$(BIN)/newsstreams broker stop

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache out
