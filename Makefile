# Rumbo: two commands.
#   make run   set up (runtime dependencies only), load the real RCM data, create demo accounts,
#              serve on 127.0.0.1:8000 (another port: make run PORT=8080)
#   make test  add the test tools and pass the whole suite on SQLite and on PostgreSQL
#   make lock  regenerate the pinned lock files in requirements/ from pyproject.toml
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Exact versions with hashes, for Python 3.11 on Linux x86_64 (see `make lock`).
RUN_LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt

.PHONY: run test setup setup-test lint messages lock clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# What running needs. Editing pyproject.toml or a lock file reinstalls.
$(VENV)/.installed-run: pyproject.toml $(RUN_LOCK) | $(PY)
	$(PY) -m pip install --quiet -r $(RUN_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Plus the test tools, the engine's optional parts and the peer engines.
$(VENV)/.installed-test: $(TEST_LOCK) $(VENV)/.installed-run
	$(PY) -m pip install --quiet -r $(TEST_LOCK)
	touch $@

setup: $(VENV)/.installed-run

setup-test: $(VENV)/.installed-test

# Background work (large exports, reports) goes to the database queue, as in production: its
# worker runs beside the server and stops with it (Ctrl+C stops both).
RUN_QUEUE := RUMBO_DEBUG=1 RUMBO_TASKS_BACKEND=django_tasks_db.DatabaseBackend
run: setup
	RUMBO_DEBUG=1 $(VENV)/bin/rumbo demo
	@echo "Rumbo: http://$(HOST):$(PORT)/es/  ·  http://$(HOST):$(PORT)/en/"
	$(RUN_QUEUE) sh -c '$(VENV)/bin/rumbo db_worker --no-reload & worker=$$!; \
	  trap "kill $$worker 2>/dev/null; wait $$worker" EXIT INT TERM; \
	  $(VENV)/bin/rumbo runserver $(HOST):$(PORT)'

test: setup-test
	bash scripts/test-all.sh

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check rumbo tests

messages: setup
	cd rumbo && RUMBO_DEBUG=1 ../$(PY) ../manage.py makemessages -l es --no-obsolete --no-location
	cd rumbo && RUMBO_DEBUG=1 ../$(PY) ../manage.py compilemessages -l es

# uv resolves in a throwaway environment (never in $(VENV)); the pins already in the lock files
# are kept unless UPGRADE=1. The run lock is a subset of the test lock, at the same versions.
UV_COMPILE = uv pip compile pyproject.toml --quiet --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --generate-hashes \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock:
	@mkdir -p requirements
	tmp=$$(mktemp -d) && $(PYTHON) -m venv $$tmp && $$tmp/bin/pip install --quiet uv \
	  && PATH=$$tmp/bin:$$PATH $(UV_COMPILE) --extra test -o $(TEST_LOCK) \
	  && PATH=$$tmp/bin:$$PATH $(UV_COMPILE) -c $(TEST_LOCK) -o $(RUN_LOCK); \
	  status=$$?; rm -rf $$tmp; exit $$status

clean:
	rm -rf $(VENV) var
