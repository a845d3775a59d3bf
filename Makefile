# Padu on a fresh machine with Python 3.11+: `make demo` starts the demo, `make test` runs every
# check (README.md). Both create .venv and install Padu into it the first time.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.padu-installed
# e.g. make demo DEMO_ARGS="--people 2000 --port 8080"   or   DEMO_ARGS=--no-serve
DEMO_ARGS ?=

.PHONY: help demo test install messages messages-update
.DEFAULT_GOAL := help

help:
	@echo "make demo             prepare the demo and serve it on http://127.0.0.1:8000/ (DEMO_ARGS=...)"
	@echo "make test             lint, checks, tests on SQLite and PostgreSQL, browser tests"
	@echo "make messages-update  refresh the translation catalogs from the code (needs GNU gettext)"

demo: install messages
	PADU_DEMO=1 $(BIN)/padu demo $(DEMO_ARGS)

test: install messages
	VENV=$(VENV) scripts/test.sh

install: $(STAMP)

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { \
	  echo "Padu needs Python 3.11 or newer, and '$(PYTHON)' was not found." >&2; \
	  echo "Install Python 3.11+ and run again, e.g. 'make demo PYTHON=python3.12'." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "Padu needs Python 3.11 or newer, but '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." >&2; \
	  echo "Install Python 3.11+ and run again, e.g. 'make demo PYTHON=python3.12'." >&2; exit 1; }
	@echo "Creating $(VENV) with $$($(PYTHON) --version)…"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }

# Reinstall only when pyproject.toml changed since the last install. uv (from PyPI, into the venv)
# installs the same packages as pip in about 15 s instead of 2 minutes; pip is the fallback.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "Installing Padu and its dependencies into $(VENV)…"
	@if $(BIN)/python -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1; then \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --editable '.[dev]' \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'; \
	else \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'; \
	fi
	@touch $@

# .po → .mo with Babel: no GNU gettext needed.
messages: install
	@$(BIN)/python -m padu.core.catalogs

# Extract the msgids from the code into the catalogs (needs GNU gettext: apt-get install gettext).
messages-update: install
	cd src/padu && PADU_TESTING=1 $(BIN)/padu makemessages -l id -l en --add-location file
	@$(BIN)/python -m padu.core.catalogs
