# Erfa — two commands set everything up on a fresh machine:
#   make demo   the portal with demo content at http://127.0.0.1:8000 (SQLite, local index, bundled model)
#   make serve  the same portal as in production: gunicorn and the task worker (portal/serve.py)
#   make test   installs what the tests need and runs them all (PostgreSQL when DATABASE_URL is set)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo serve test install install-dev browsers lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is installed first, pinned to the CPU wheel, so no dependency can pull a CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium drives the browser tests (Playwright talks to /usr/bin/chromium).
browsers:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests …"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium gettext >/dev/null; \
	fi

messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore=.venv -v0; else echo "msgfmt not found: using the committed .mo files"; fi

demo: install messages
	mkdir -p var
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_demo
	$(MANAGE) collectstatic --noinput -v0
	@echo "Erfa runs at http://$(HOST):$(PORT)/  (demo logins: README.md)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Production settings, gunicorn and the task worker (portal/serve.py); Ctrl-C stops both.
# Outside loopback it needs SECRET_KEY, ALLOWED_HOSTS and ERFA_BASE_URL.
serve: install messages
	mkdir -p var
	$(BIN)/python -m portal.serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-dev browsers messages lint
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(MANAGE) makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) var/static
