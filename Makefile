# ati — every set-up step lives here, so that a bare machine needs only these targets.
#   make demo   install, migrate, seed, then serve http://127.0.0.1:8000 with a worker and beat
#   make test   install, then run the whole suite on SQLite and (when reachable) PostgreSQL
#   make test-browser   the browser journeys alone (Debian's chromium, axe-core), screenshots in var/screenshots/
#   make lint   ruff, mypy and the layers (lint-imports, docs/architecture.md)
#   make messages-update   refresh locale/*/django.po after adding strings
#   make screenshots   every page in French and Arabic at 1366 and 375 px; the guides' ones into docs/img
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Debian packages the app needs: venv support for Debian's python3 (a bare
# Debian 12 lacks it), WeasyPrint's Pango, fonts with Arabic glyphs, gettext
# to compile translations. Released documents (ati/library/documents, decision 0011):
# tesseract with French and Arabic for scans, poppler-utils (pdftotext) and qpdf for
# the tests that check a redacted PDF leaks nothing. Pillow's wheels bring raqm, and
# load Pango's fribidi, to shape Arabic labels. No LibreOffice: Word files are refused.
APT_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-dejavu-core fonts-hosny-amiri gettext \
	tesseract-ocr tesseract-ocr-fra tesseract-ocr-ara poppler-utils qpdf

# The browser journeys (tests/browser) drive Debian's chromium, never a downloaded
# browser, and check pages with axe-core from npm (package.json, into node_modules/).
BROWSER_PACKAGES := chromium

.PHONY: demo test test-browser lint install system-deps browser-deps browser-deps-if-possible \
	messages messages-update bench audit help clean screenshots

help:
	@sed -n '2,7p' Makefile

# Order-only: the system packages come first (python3-venv makes the venv), but
# running that check never forces a reinstall.
$(VENV)/.installed: pyproject.toml uv.lock | system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv sync --frozen --quiet
	@touch $@

install: system-deps $(VENV)/.installed messages

system-deps:
	@bash scripts/system-deps $(APT_PACKAGES)

messages: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

# After adding or changing strings: refresh the catalogues, then translate every
# new or fuzzy entry in locale/fr and locale/ar (tests/core/test_translations.py
# fails until none is left) and run `make messages`.
messages-update: $(VENV)/.installed
	$(PY) manage.py makemessages -l fr -l ar -l en --ignore=.venv --ignore=var --no-obsolete

demo: install
	@bash scripts/demo

# Chromium and npm from Debian when missing (as root), then axe-core as locked.
browser-deps:
	@bash scripts/system-deps $(BROWSER_PACKAGES)
	@command -v npm >/dev/null || bash scripts/system-deps npm
	@$(MAKE) --no-print-directory node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# `make test` installs the browser tools where it can; where it cannot (not root, no
# apt), the journeys are skipped and pytest says so loudly.
browser-deps-if-possible:
	@$(MAKE) --no-print-directory browser-deps || echo "!!! chromium or axe-core could not be installed: the browser journeys will be SKIPPED or fail; run 'make test-browser' as root !!!" >&2

test: install browser-deps-if-possible
	@bash scripts/run-tests

test-browser: install browser-deps
	ATI_VAR_DIR="$$(mktemp -d)" $(PY) -m pytest tests/browser $(if $(ARGS),$(ARGS))

# A seeded site of its own on a free port, every page in French and Arabic at 1366 and
# 375 px into var/screenshots/pages/, and the ones the guides show into docs/img/, cut and
# reduced to 256 colours (scripts/screenshots.py; ARGS="--only home library" for some).
# chromium-l10n: the browser's own controls (a file field's button) in the page's language.
SCREENSHOT_PACKAGES := chromium-l10n pngquant

screenshots: install browser-deps
	@bash scripts/system-deps $(SCREENSHOT_PACKAGES)
	$(PY) scripts/screenshots.py $(ARGS)

LINT_PATHS := ati tests bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy ati
	$(VENV)/bin/lint-imports --no-cache

# Known vulnerabilities in the locked dependencies (pip-audit); fails only on a finding.
audit: $(VENV)/.installed
	@bash scripts/audit

# make bench [QUICK=1] [DATABASES=sqlite,postgresql] [PGBOUNCER=0]: one line per measure, JSON under
# var/bench/, a summary at the end. At national scale against PostgreSQL (ATI_BENCH_POSTGRES,
# an admin URL, default postgres://postgres@127.0.0.1:5432/postgres); QUICK=1 (a tenth of the
# scale) against SQLite and PostgreSQL. wrk for the HTTP ones; pgbouncer for the submissions
# measured again through a PgBouncer the benchmark starts itself (PGBOUNCER=0 leaves it out).
BENCH_PACKAGES := wrk pgbouncer
PGBOUNCER ?= auto
DATABASES ?= $(if $(QUICK),sqlite$(,)postgresql,postgresql)
, := ,

bench: $(VENV)/.installed
	@bash scripts/system-deps $(BENCH_PACKAGES)
	ATI_BENCH_DATABASES=$(DATABASES) ATI_BENCH_PGBOUNCER=$(PGBOUNCER) $(PY) bench/run.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) var/ node_modules/ .mypy_cache .ruff_cache .pytest_cache
