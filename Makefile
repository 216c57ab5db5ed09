# LIS: `make run` serves the system with sample data; `make test` runs the
# whole suite (on PostGIS when DATABASE_URL points there). See README.md.

SHELL := /bin/bash
VENV := .venv
LIS := $(VENV)/bin/lis
SAMPLE_PARCELS ?= 3000
SAMPLE_FILE := var/sample/binh-phuoc-mau.gpkg
TEST_SECRET := test-only-key-for-make-test-never-a-production-secret
LOCALE_PO := $(wildcard lis/locale/*/LC_MESSAGES/django.po)
LOCALE_MO := $(LOCALE_PO:.po=.mo)
STATIC_SOURCES := $(shell find lis -path '*/static/*' -type f 2>/dev/null)

.PHONY: run test serve system-packages test-system-packages clean-venv
.DELETE_ON_ERROR:

run: system-packages $(VENV)/.run-installed node_modules/.package-lock.json \
		$(LOCALE_MO) .env
	$(LIS) migrate --no-input -v 0
	$(LIS) load-reference
	$(MAKE) --no-print-directory var/static/staticfiles.json
	$(LIS) create-demo-accounts
	@if [ "$$($(LIS) parcel-count)" = "0" ]; then \
		$(LIS) sample-data --parcels $(SAMPLE_PARCELS) --output $(SAMPLE_FILE) && \
		$(LIS) import-parcels $(SAMPLE_FILE) --unit-catalogue 2004; \
	fi
	$(LIS) serve

test: test-system-packages $(VENV)/.test-installed node_modules/.package-lock.json \
		$(LOCALE_MO)
	LIS_SECRET_KEY=$(TEST_SECRET) $(VENV)/bin/pytest $(PYTEST_ARGS)

system-packages:
	@scripts/install-debian-packages run

test-system-packages:
	@scripts/install-debian-packages test

# Debian's own interpreter: pyenv's Python cannot load SQLite extensions,
# so it cannot run SpatiaLite (STACK.md P1).
$(VENV)/bin/python:
	/usr/bin/python3 -m venv $(VENV)
	$(VENV)/bin/python -c "import sqlite3, sys; \
		sys.exit(not hasattr(sqlite3.connect(':memory:'), 'enable_load_extension'))"

$(VENV)/.run-installed: $(VENV)/bin/python requirements.txt constraints-build.txt \
		pyproject.toml
	PIP_CONSTRAINT=$(CURDIR)/constraints-build.txt $(VENV)/bin/pip install --quiet \
		--disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed requirements-test.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po
	msgfmt --check-format -o $@ $<

var/static/staticfiles.json: $(STATIC_SOURCES) node_modules/.package-lock.json
	$(LIS) collectstatic --no-input -v 0

.env:
	@umask 077; echo "LIS_SECRET_KEY=$$($(VENV)/bin/python -c \
		'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env with a new secret key."

clean-venv:
	rm -rf $(VENV)
