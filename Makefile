# One-command entry points. Run `make help` for the list.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := sexan-findings
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help setup report test lab bench clean

help: ## List the commands
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'
	@echo "  Options: ARGS='--data-dir DIR --output-dir DIR ...' are passed to the pipeline."

setup: $(STAMP) ## Create .venv, install the pinned packages, register the Jupyter kernel

# Re-run only when the dependency list changes (idempotent).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --user --name $(KERNEL) --display-name "Python (sexan-findings)" >/dev/null
	@touch $(STAMP)

report: $(STAMP) ## Build reports/findings.html from the sample study (or ARGS='--data-dir DIR')
	$(BIN)/python -m helpers.pipeline $(ARGS)

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest $(ARGS)

lab: $(STAMP) ## Open JupyterLab on the project kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP) ## Run the benchmark (writes bench/results.json and bench/results.png)
	$(BIN)/python bench/run.py $(ARGS)

clean: ## Remove generated outputs (never touches data/raw)
	rm -rf data/processed/* figures/* reports/* keys .pipeline-cache .pipeline-failed .pipeline-staging .pipeline-trash
	@touch data/processed/.gitkeep figures/.gitkeep reports/.gitkeep
