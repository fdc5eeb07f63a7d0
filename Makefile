# make run: set up and run the app on http://127.0.0.1:5000 (local storage, no GitHub needed)
# make test: set up and run every test, browser tests included
# make test-fast: the same without the browser tests
# make wheel-check: build the wheel and use it, installed, from an empty folder
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test test-fast wheel-check lint browser bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app study_guide run --host 127.0.0.1 --port 5000

serve: $(STAMP)
	$(BIN)/study-guide serve

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

test: $(STAMP) browser
	$(BIN)/ruff check app tests bench
	$(BIN)/pytest -q

test-fast: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/pytest -q -m "not browser"

wheel-check:
	bash .ci/wheel-smoke

lint: $(STAMP)
	$(BIN)/ruff check app tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
