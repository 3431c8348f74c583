# Helpdesk: `make run` for the demo, `make test` for the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint bench bench-peer bench-region translations messages clean vendor

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d helpdesk/translations -f >/dev/null

# Re-extract the Swedish msgids and merge them into the English catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o helpdesk/translations/messages.pot .
	$(BIN)/pybabel update -i helpdesk/translations/messages.pot -d helpdesk/translations --no-fuzzy-matching

run: install
	$(BIN)/helpdesk db upgrade
	$(BIN)/helpdesk seed-demo --if-empty
	@# The scheduler (outbox, mail fetching, SLA alerts, reports) runs beside the web server.
	$(BIN)/helpdesk scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/helpdesk run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The linter (rules in pyproject.toml [tool.ruff]); CI runs it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# Side by side with django-helpdesk 2.6.1 (installed into bench-data/peer-venv from PyPI).
bench-peer: install
	$(BIN)/python -m benchmarks.peer $(BENCH_ARGS)

# A shared regional desk on PostgreSQL under load (gunicorn, LMTP, two schedulers), loopback only.
bench-region: install
	$(BIN)/python -m benchmarks.region $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts

# Refresh the committed Swagger UI copy (the wheel must work without node_modules) from the npm package.
vendor:
	npm install --no-audit --no-fund
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   node_modules/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt node_modules/swagger-ui-dist/LICENSE \
	   node_modules/swagger-ui-dist/NOTICE static/vendor/swagger-ui/
