# Two commands do all the set-up on a fresh machine:
#   make demo   the main job: a real Blender render reported to the local sandbox
#   make test   the whole test suite (what .ci/run calls)
# Both create (once) a Python 3.11 virtual environment outside the checkout, keyed by
# pyproject.toml, so the ~375 MB bpy wheel is installed once and reused by later runs.

SHELL := /bin/bash
PYTHON ?= python3.11
CACHE ?= $(HOME)/.cache/rendertally
VENV ?= $(CACHE)/venv-$(shell $(PYTHON) -c 'import hashlib,sys;print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest()[:12])')
PY := $(VENV)/bin/python
# Other Blender versions the scenarios run on (scripts/bpy_matrix.py; one cached venv each).
# Empty: the script's default list; "none": the default bpy only.
BPY_MATRIX ?=

.PHONY: env demo test lint bench bench-quick clean-env

env: $(VENV)/.ready
	@$(PY) -m pip install -q --no-deps --no-build-isolation -e . >/dev/null

$(VENV)/.ready: pyproject.toml
	@echo "Creating $(VENV) (once; the bpy wheel is large)"
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "bpy 5.0 needs Python 3.11: set PYTHON=/path/to/python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[test,blender]'
	@touch $@

demo: env
	$(PY) scripts/demo.py

test: env
	@pythons="$$($(PY) scripts/bpy_matrix.py --cache $(CACHE) $(BPY_MATRIX))" && \
	  echo "Other Blender versions: $${pythons:-none}" && \
	  BPY_PYTHONS="$$pythons" $(PY) -m pytest

lint: env
	$(PY) -m ruff check core ui plugins installers scripts benchmarks

bench: env
	$(PY) benchmarks/run.py

bench-quick: env
	$(PY) benchmarks/run.py --quick

clean-env:
	rm -rf $(VENV)
