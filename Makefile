# HRH Observatory — set-up, demo, tests and benchmarks. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HRH_PORT ?= 8000
export HRH_PORT

.PHONY: help install demo serve test lint fmt bench browser docs clean

help:
	@echo "make demo     install, create var/hrh.sqlite, load the bundled data, serve on :$(HRH_PORT)"
	@echo "make install  virtual environment + package only"
	@echo "make test     install test needs (incl. Chromium), then lint, types, imports, tests"
	@echo "make bench    benchmarks (QUICK=1 for a one-minute run); writes var/bench.json"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/hrh db upgrade
	$(BIN)/hrh load reference
	$(BIN)/hrh library load
	$(BIN)/hrh serve

serve: install
	$(BIN)/hrh serve

# Debian's Chromium drives the browser tests (Playwright with /usr/bin/chromium).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "Installing Chromium from Debian's packages for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: install browser lint
	$(BIN)/python -m pytest -n auto

bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

docs: install
	$(BIN)/python -m hrh.cli.reference > docs/cli.md

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
