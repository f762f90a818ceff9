# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Python deps come from uv.lock (uv itself from PyPI when missing); Kafka
# broker jars from Maven Central via kafka/pom.xml into the git-ignored .kafka/.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never

# The interpreter the venv runs on. Debian's /usr/bin/python3.11 is built
# with profile-guided and link-time optimisation and links libpython into the
# executable; the python3.11 first on PATH here is a pyenv source build with
# neither (and a shared libpython), on which the tag stage ran 1.13x the
# instructions and enrich about a tenth longer (README, "Which interpreter").
# So the venv uses the distribution's interpreter when it is there with its
# headers (mypyc compiles against them), else $(PYTHON); `make
# VENV_PYTHON=...` picks another.
SYSTEM_PYTHON := /usr/bin/python3.11
VENV_PYTHON ?= $(shell [ -x $(SYSTEM_PYTHON) ] && [ -f /usr/include/python3.11/Python.h ] \
	&& echo $(SYSTEM_PYTHON) || echo $(PYTHON))

.PHONY: venv native jars browser demo test test-unit lint bench broker-stop clean

venv: $(BIN)/newsstreams

$(BIN)/newsstreams: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --user --quiet uv
	$(UV) sync --frozen --extra test --extra bench --extra native --python $(VENV_PYTHON)
	@touch $@

# A venv made on another interpreter than VENV_PYTHON is synced again (uv
# then makes it afresh on the right one).
VENV_HOME := $(shell sed -n 's/^home = //p' $(VENV)/pyvenv.cfg 2>/dev/null)
ifneq ($(VENV_HOME),)
VENV_WANTED := $(shell $(VENV_PYTHON) -c 'import os, sys; print(os.path.dirname(sys.executable))')
ifneq ($(VENV_HOME),$(VENV_WANTED))
$(BIN)/newsstreams: .FORCE
endif
endif
.PHONY: .FORCE

# The tagger's modules compiled by mypyc, and its Rust kernels (kernels/,
# with cargo when there), into the git-ignored .native/ (about 110 s, then a
# no-op until one of them changes; see streams/ner/native.py).
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
