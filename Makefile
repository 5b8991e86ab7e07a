# Rumbo: two commands.
#   make run   set up, load the real CRM data, create demo accounts, serve on 127.0.0.1:8000
#   make test  set up and pass the whole suite on SQLite and on PostgreSQL (started here)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

run: setup
	RUMBO_DEBUG=1 $(VENV)/bin/rumbo demo
	@echo "Rumbo: http://$(HOST):$(PORT)/es/  ·  http://$(HOST):$(PORT)/en/"
	RUMBO_DEBUG=1 $(VENV)/bin/rumbo runserver $(HOST):$(PORT)

test: setup
	bash scripts/test-all.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check rumbo tests

messages: setup
	cd rumbo && RUMBO_DEBUG=1 ../$(PY) ../manage.py makemessages -l es --no-obsolete --no-location
	cd rumbo && RUMBO_DEBUG=1 ../$(PY) ../manage.py compilemessages -l es

clean:
	rm -rf $(VENV) var
