# LakeSail Console. `make run` starts it; `make test` proves it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2 --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt schema bench install install-dev chromium oidc-provider screenshots

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed ## Install the console into .venv
install-dev: $(VENV)/.installed-dev ## Install the console and its test tools into .venv

chromium: ## Debian's Chromium for the browser tests (installed when missing)
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

run: install ## Migrate, ensure the demo organization, start web + worker + beat
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py ensure_demo
	$(BIN)/python manage.py ensure_local_connection
	./scripts/run.sh

# npm's packages go to a cache outside the checkout, one folder per lock file (tests/plugins/oidc.py finds it the same
# way): the project's tree holds only its own files, and checkouts with the same lock file share one install.
OIDC_PROVIDER_HOME := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/lakesail-console/oidc-provider-$(shell sha256sum tests/oidc_provider/package-lock.json | cut -c1-12)

$(OIDC_PROVIDER_HOME)/.installed: tests/oidc_provider/package.json tests/oidc_provider/package-lock.json
	mkdir -p $(OIDC_PROVIDER_HOME)
	cp tests/oidc_provider/package.json tests/oidc_provider/package-lock.json $(OIDC_PROVIDER_HOME)/
	npm ci --prefix $(OIDC_PROVIDER_HOME) --no-audit --no-fund
	touch $@

oidc-provider: $(OIDC_PROVIDER_HOME)/.installed ## The OpenID provider the SSO tests start (npm oidc-provider, in ~/.cache)

test: install-dev chromium oidc-provider ## Migrations check, lint, and the whole test suite
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy apps/core
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev ## ruff, mypy and the layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy apps/core
	$(BIN)/lint-imports

fmt: install-dev ## Format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install ## Regenerate the committed OpenAPI schema
	$(BIN)/python manage.py spectacular --file schema.yml --validate

bench: install-dev ## Run the benchmarks (see bench/README.md)
	$(BIN)/python bench/sail_runner.py

screenshots: install-dev chromium ## PNGs of the main pages (laptop and phone, light and dark) into docs/screenshots/
	$(BIN)/python scripts/screenshots.py
