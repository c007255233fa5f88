VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test demo lint bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

test: $(VENV)/.installed
	$(VENV)/bin/ruff check ember tests bench
	$(PY) -m pytest -n 2 tests

demo: $(VENV)/.installed
	$(PY) -m ember.examples.digits

bench: $(VENV)/.installed
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m bench

clean:
	rm -rf $(VENV)
