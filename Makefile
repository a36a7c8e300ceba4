# Two commands: `make demo` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo test lint typecheck unit bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.synced  ## Create .venv from the lock file.

demo: install  ## Make a synthetic partnership, import it, show what was loaded.
	$(VENV)/bin/wholestory demo

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

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
