# greenit: `make run` serves the demo, `make test` runs every test. Both set up what they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := chromium fonts-noto-cjk gettext poppler-utils nginx
export DJANGO_SETTINGS_MODULE := greenit.settings
# pytest-xdist processes: one per core by default (TEST_WORKERS=0 runs in one process).
TEST_WORKERS ?= auto
# Everything here is development: DEBUG on unless the environment says otherwise (with DEBUG
# off greenit refuses to start without SECRET_KEY and EMAIL_BACKEND: docs/settings.md).
export DEBUG ?= true

.PHONY: run test lint format messages system-packages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v "is ignored: it is neither" || true
	$(BIN)/python -c "import django, ninja, weasyprint, playwright"
	touch $(STAMP)

# Debian packages: installed with apt-get when running as root, otherwise named with the fix.
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing. Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: system-packages $(STAMP) messages
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py demo
	@echo "Log in at http://127.0.0.1:8000/accounts/login/ as admin / greenit-demo"
	@echo "E-mail is not sent: read it at http://127.0.0.1:8000/outbox/ (files in var/outbox)"
	$(BIN)/python manage.py worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: system-packages $(STAMP) messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles var

# The bootable wipe station (docs/wipe-agent.md, "Wipe station image"); as root, rebuilt
# when wipe_image/ or the agent changes. Its qemu test is slow and not part of `make test`.
.PHONY: wipe-image test-wipe-image
WIPE_ISO := var/wipe-image/greenit-wipe.iso
wipe-image: $(WIPE_ISO)
$(WIPE_ISO): $(shell find wipe_image -type f) $(wildcard greenit_wipe/*.py)
	bash wipe_image/build.sh
test-wipe-image: $(STAMP) messages $(WIPE_ISO)
	GREENIT_WIPE_IMAGE_TEST=1 $(BIN)/pytest -q -n 0 -s -m wipe_image greenit_wipe/tests/test_wipe_image.py
