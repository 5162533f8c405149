# Two entry points for a fresh machine: `make site` and `make test`.
# Both create .venv on first use; `make test` also installs the system
# browser (Debian's chromium) and the npm test tools.
PY      ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

.PHONY: site test check lint setup system-deps serve validate diff bench clean

$(STAMP): pyproject.toml
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

site: $(STAMP)
	$(VPY) -m generator build

# Staff commands: no virtualenv to activate, `make` uses .venv's Python.
# BASE/HEAD for `make diff BASE=origin/main [HEAD=rev]`.
validate: $(STAMP)
	@$(VPY) -m generator validate

# NO_MKDOCS_2_WARNING: Material prints a 17-line notice about MkDocs 2.0 on
# every start, before any project code runs; it buries the preview's own
# messages (the pinned MkDocs 1.6 is not affected).
serve: $(STAMP)
	NO_MKDOCS_2_WARNING=true $(VPY) -m mkdocs serve

BASE ?= origin/main
HEAD ?=
diff: $(STAMP)
	@$(VPY) -m generator diff $(BASE) $(HEAD)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

# ruff (rule set in pyproject.toml) and mypy strict on generator/: zero findings.
lint: $(STAMP)
	$(VPY) -m ruff check .
	$(VPY) -m mypy

# The edit loop: lint, then every test but the browser, benchmark and
# whole-site-build ones (markers `browser`, `bench`, `slow`). `make test` runs them all.
check: lint node_modules/.package-lock.json
	$(VPY) -m pytest -q -m "not browser and not bench and not slow"

test: $(STAMP) node_modules/.package-lock.json system-deps lint
	$(VPY) -m pytest

bench: $(STAMP)
	$(VPY) -m bench.run

clean:
	rm -rf site build .cache
