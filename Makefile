# ati — every set-up step lives here, so that a bare machine needs only these targets.
#   make demo   install, migrate, seed, then serve http://127.0.0.1:8000 with a worker and beat
#   make test   install, then run the whole suite on SQLite and (when reachable) PostgreSQL
#   make lint   ruff and mypy
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Debian packages the app needs at run time: WeasyPrint's Pango, fonts with
# Arabic glyphs, gettext to compile translations.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-hosny-amiri gettext

.PHONY: demo test lint install system-deps messages bench help clean

help:
	@sed -n '2,5p' Makefile

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --quiet
	@touch $@

install: system-deps $(VENV)/.installed messages

system-deps:
	@bash scripts/system-deps $(APT_PACKAGES)

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

demo: install
	@bash scripts/demo

test: install
	@bash scripts/run-tests

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check ati tests bench
	$(VENV)/bin/ruff format --check ati tests bench
	$(VENV)/bin/mypy ati

# make bench [QUICK=1]: one line per measure, JSON under var/bench/.
bench: $(VENV)/.installed
	$(PY) bench/run.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) var/ .mypy_cache .ruff_cache .pytest_cache
