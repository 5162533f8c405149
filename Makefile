# Two entry points for a fresh machine: `make site` and `make test`.
# Both create .venv on first use and install the Debian libraries the PDF
# edition needs (Pango, for WeasyPrint); `make test` also installs the system
# browser (Debian's chromium), poppler-utils and the npm test tools.
PY      ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

# Debian packages WeasyPrint loads at run time (the PDF edition of the
# Piano and the Relazione), and those the tests use besides.
SITE_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS := chromium poppler-utils

.PHONY: site test check lint setup system-deps site-deps serve validate diff bench clean

$(STAMP): pyproject.toml
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

site: $(STAMP) site-deps
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

# Installs the missing packages with apt-get (as root, or through sudo);
# without either it stops and says which command to run.
define apt_install
@mancanti=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || mancanti="$$mancanti $$p"; done; \
if [ -n "$$mancanti" ]; then \
  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$mancanti; \
  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$mancanti; \
  else echo "errore: mancano i pacchetti di sistema$$mancanti (servono per il PDF e i test)." >&2; \
    echo "Installali con: sudo apt-get install$$mancanti   (oppure esegui 'make system-deps' come root)" >&2; exit 1; fi; \
fi
endef

site-deps:
	$(call apt_install,$(SITE_DEBS))

system-deps:
	$(call apt_install,$(SITE_DEBS) $(TEST_DEBS))

# ruff (rule set in pyproject.toml) and mypy strict on generator/: zero findings.
lint: $(STAMP)
	$(VPY) -m ruff check .
	$(VPY) -m mypy

# The edit loop: lint, then every test but the browser, benchmark and
# whole-site-build ones (markers `browser`, `bench`, `slow`), on every core
# (pytest-xdist; whole files per worker, so a file's module fixtures are built
# once), with a quarter of the property tests' examples (Hypothesis profile
# `check`). `make test` runs them all, one at a time, with every example.
check: lint node_modules/.package-lock.json
	$(VPY) -m pytest -q -n auto --dist loadfile --hypothesis-profile=check -m "not browser and not bench and not slow"

test: $(STAMP) node_modules/.package-lock.json system-deps lint
	$(VPY) -m pytest

bench: $(STAMP)
	$(VPY) -m bench.run

clean:
	rm -rf site build .cache
