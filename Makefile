# One entry point for a fresh machine:
#   make demo  - set everything up and open JupyterLab on the demo comparison
#   make test  - set everything up and run every test (lint, JS unit, Python, real browser)
# Setup is idempotent: stamps under .venv/ skip steps that are already done.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
JS_SOURCES := $(shell find js -name "*.ts" -o -name "*.css" -o -name "*.json" | grep -v test) package.json package-lock.json esbuild.mjs

.PHONY: demo test setup setup-browser js dev lint test-js test-py test-e2e bench clean

demo: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) $(ROOT_FLAG) \
		--LabApp.default_url=/lab/tree/notebooks/demo.ipynb

test: setup setup-browser lint test-js test-py

setup: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

src/tpot_widget/static/widget.js: node_modules/.installed $(JS_SOURCES)
	npm run build

js: src/tpot_widget/static/widget.js

# The anywidget dev loop: esbuild rebuilds static/ on every save; with ANYWIDGET_HMR=1 set
# before starting JupyterLab, a running widget reloads its front end without a kernel restart.
dev: node_modules/.installed
	npm run dev

# The bundle is built by the rule above: SKIP_JUPYTER_BUILDER stops the editable install from
# running npm install/build again (which would touch package-lock.json and redo everything).
$(VENV)/.installed: pyproject.toml src/tpot_widget/static/widget.js
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	SKIP_JUPYTER_BUILDER=1 $(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Debian's Chromium drives the real-browser tests (browser downloads fail on these machines).
setup-browser:
	@test -x /usr/bin/chromium || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-js: node_modules/.installed
	npm run typecheck
	npm test

test-py: setup setup-browser
	$(BIN)/python -m pytest -ra

test-e2e: setup setup-browser
	$(BIN)/python -m pytest -ra tests/e2e

bench: setup setup-browser
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_stats.py
	$(BIN)/python benchmarks/bench_widget.py

clean:
	rm -rf $(VENV) node_modules src/tpot_widget/static dist build test-artifacts
