# Newcomer entry points: `make demo` (offline coach on the example set) and `make test` (everything CI runs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint types unit eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/krcoach analyze examples/customer-onboarding.md --format md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 -q

eval: $(STAMP)
	$(BIN)/krcoach eval --out evals/reports --gate evals/thresholds.toml

test: lint types unit eval

bench: $(STAMP)
	$(BIN)/python benchmarks/diagnose_throughput.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache evals/reports
