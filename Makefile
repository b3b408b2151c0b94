# One-command entry points. Run `make help` for the list.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := sexan-findings
ARGS   ?=

# The kernel belongs to this checkout: it lives inside .venv (share/jupyter/kernels), never in the user-wide
# folder that every checkout on the machine shares.
KERNEL_JSON := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
# `make kernel` only: a per-user kernel for a JupyterLab installed elsewhere, named after this checkout's folder
# and a hash of its absolute path, so that two checkouts never overwrite each other's.
USER_KERNEL = $(shell $(PYTHON) -c 'import hashlib, os, re; p = os.getcwd(); \
    d = re.sub(r"[^a-z0-9._-]+", "-", os.path.basename(p).lower()).strip("-"); \
    print("$(KERNEL)-" + d + "-" + hashlib.sha256(p.encode()).hexdigest()[:8])')
USER_KERNEL_TITLE = Python (sexan-findings: $(notdir $(CURDIR)))
# `jupyter lab` refuses to start as root (as in containers) unless told.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup report test lab kernel bench clean

help: ## List the commands
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'
	@echo "  Options: ARGS='...' go to the pipeline (report), pytest (test), bench/run.py (bench) or jupyter lab (lab)."

setup: $(STAMP) $(KERNEL_JSON) ## Create .venv, install the pinned packages and the project's Jupyter kernel into it

# Re-run only when the dependency list changes (idempotent).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# --sys-prefix: into .venv/share/jupyter/kernels, where only this checkout's JupyterLab looks.
$(KERNEL_JSON): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (sexan-findings)" >/dev/null

report: $(STAMP) $(KERNEL_JSON) ## Build reports/findings.html from the sample study (or ARGS='--data-dir DIR')
	$(BIN)/python -m helpers.pipeline $(ARGS)

test: $(STAMP) $(KERNEL_JSON) ## Run the test suite
	$(BIN)/python -m pytest $(ARGS)

# JUPYTER_PREFER_ENV_PATH=1: .venv's kernels (and settings) come before the user-wide ones even where jupyter
# would otherwise put the user's first (a .venv not owned by the login user, as under sudo, or the variable set
# to 0 in the shell), so an old user-wide `sexan-findings` kernel from another checkout never stands in for this one.
lab: $(STAMP) $(KERNEL_JSON) ## Open JupyterLab on the project kernel
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) $(ARGS)

kernel: $(STAMP) $(KERNEL_JSON) ## Also register this checkout's kernel for your user (for a JupyterLab elsewhere)
	$(BIN)/python -m ipykernel install --user --name $(USER_KERNEL) --display-name "$(USER_KERNEL_TITLE)"
	@echo "Remove it again with: jupyter kernelspec uninstall $(USER_KERNEL)"

bench: $(STAMP) $(KERNEL_JSON) ## Run the benchmark (writes bench/results.json, results.png and timeline-*.png)
	$(BIN)/python bench/run.py $(ARGS)

clean: ## Remove generated outputs (never touches data/raw)
	rm -rf data/processed/* figures/* reports/* keys .pipeline-cache .pipeline-failed .pipeline-staging .pipeline-trash \
	  .pipeline-lock .pipeline-swap.json
	@touch data/processed/.gitkeep figures/.gitkeep reports/.gitkeep
