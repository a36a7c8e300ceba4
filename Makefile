# Two commands: `make demo` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo test lint cli-docs cli-docs-check typecheck unit bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.synced  ## Create .venv from the lock file.

demo: install  ## Make a synthetic partnership, import it, show what was loaded.
	$(VENV)/bin/wholestory demo

lint: install cli-docs-check
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts

# docs/cli.md and the README's --help block are made from the commands' own help
# (scripts/cli_reference.py, through cog): lint fails when they are out of date.
CLI_DOCS := docs/cli.md README.md

cli-docs: install  ## Remake docs/cli.md and the README's --help block after changing a command.
	$(VENV)/bin/cog -r $(CLI_DOCS)

cli-docs-check: install
	@$(VENV)/bin/cog --check $(CLI_DOCS) || { echo "The CLI reference is out of date: run make cli-docs"; exit 1; }

typecheck: install
	$(VENV)/bin/mypy

# Tests run on every core (pytest-xdist), a file to a worker so that a file's
# shared fixtures are built once: CI has two cores and a 30-minute budget.
unit: install
	$(VENV)/bin/pytest -n auto --dist loadfile

test: lint typecheck unit  ## Lint, type-check and run every test.

bench: install  ## Run the benchmarks and write docs/benchmarks.md.
	$(VENV)/bin/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
