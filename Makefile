# Vielstimmig – the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export FLASK_CONFIG ?= development

.PHONY: run test setup install translations db seed demo extract-messages update-translations check-translations bench bench-analysis clean browser-tools

run: setup ## set up, then serve on http://127.0.0.1:5000
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install translations browser-tools ## set up, then run the whole suite (browser tests need /usr/bin/chromium)
	$(MAKE) --no-print-directory db seed demo
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core and the Nu Html Checker (vnu.jar) for tests/browser, from package-lock.json; without npm the
# browser tests are skipped and pytest's summary says why. --ignore-scripts: vnu-jar's install script
# would fetch a Java runtime; the machine's java runs vnu.jar.
browser-tools:
	@if command -v npm >/dev/null 2>&1 && [ -f package.json ]; then \
		if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
			npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
		fi; \
	else \
		echo "npm not found: node_modules/axe-core is missing, the browser tests will be skipped."; \
	fi

setup: install translations db seed demo

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'

translations: ## compile the .po catalogues to .mo
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 20

db:
	@mkdir -p instance
	$(FLASK) db upgrade

seed:
	$(FLASK) seed

demo:
	$(FLASK) demo

extract-messages: ## collect every translatable string into translations/messages.pot
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o translations/messages.pot --no-location --sort-output --project Vielstimmig .

update-translations: extract-messages ## merge new strings into every catalogue
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

check-translations:
	$(BIN)/python -m pytest tests/i18n/test_catalogues.py -q

clean:
	rm -rf $(VENV) instance/*.sqlite

bench: install ## benchmarks: language detection, theme-finding, bulk import (figures for the README)
	$(BIN)/python scripts/bench_langid.py
	$(BIN)/python scripts/bench_analysis.py
	$(BIN)/python scripts/bench_import.py

bench-analysis: install ## benchmark of the theme-finding method only
	$(BIN)/python scripts/bench_analysis.py
