# supportsim: `make demo` sets up and runs the baseline; `make test` is what CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench theory lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(STAMP)

# The main job: plan the baseline's week (exit 3 means "plan written, some target missed").
demo: $(STAMP)
	$(BIN)/supportsim plan scenarios/baseline.yaml --force || test $$? -eq 3

test: $(STAMP)
	$(BIN)/python -m pytest -q

theory: $(STAMP)
	$(BIN)/python -m pytest -q tests/theory

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
