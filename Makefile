# SatuAtap: `make run` to try it, `make test` to check it. Needs only Python >= 3.11, git and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SATUATAP := $(BIN)/satuatap
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install demo test screenshots test-sqlite test-postgres lint format messages lock chromium pdf-libs clean bench bench-deps nginx prod-smoke

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test]"
	touch $(STAMP)

install: $(STAMP) pdf-libs

# DEBUG=true also installs the demo app (satuatap.demo: seed_demo, demo_otp_code), which
# production settings leave out.
demo: install
	DEBUG=true $(SATUATAP) migrate --no-input
	DEBUG=true $(SATUATAP) load_regions
	DEBUG=true $(SATUATAP) seed_demo

# The task consumer (imports, later exports) runs beside the web server and stops with it.
run: demo
	@echo "SatuAtap is starting on http://$(HOST):$(PORT)/"
	@DEBUG=true $(SATUATAP) run_huey --quiet & HUEY_PID=$$!; \
	  trap 'kill $$HUEY_PID 2>/dev/null' EXIT INT TERM; \
	  DEBUG=true $(SATUATAP) runserver $(HOST):$(PORT)

# The whole suite on SQLite; again on PostgreSQL when DATABASE_URL points at one. It runs in
# TEST_WORKERS processes (pytest-xdist; each has its own test database); 0 runs it in one.
# Tests are spread one by one, except a module marked `xdist_group`, which runs on one worker
# so that its expensive module fixture (the demo, the crawl) is built once.
TEST_WORKERS ?= 2
test: install chromium nginx
	$(MAKE) test-sqlite
	@case "$$DATABASE_URL" in postgres*) $(MAKE) test-postgres ;; *) echo "DATABASE_URL is not PostgreSQL: skipping the PostgreSQL run." ;; esac

test-sqlite: install
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=30

test-postgres: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=30

# Browser tests drive Debian's chromium; install it when missing (never `playwright install`).
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The deploy tests (tests/deploy: `nginx -t` on deploy/nginx) and `make prod-smoke` run Debian's
# nginx; install it when missing. Never started as the system's service by these targets.
nginx:
	@test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the deploy tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; }

# WeasyPrint (the printable PDFs) needs Debian's Pango, HarfBuzz subsetter and a font; install
# them when missing. Elsewhere than Debian, install Pango >= 1.44 and HarfBuzz yourself.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@if command -v dpkg >/dev/null 2>&1; then \
	  dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || { \
	    echo "Installing Debian's libraries for WeasyPrint (PDFs)"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; }; \
	fi

# Refresh the screenshots in docs/screenshots/ from the browser journeys.
screenshots: install chromium
	SATUATAP_SCREENSHOTS=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest tests/browser

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

# Extract English msgids and compile the Indonesian catalogue (gettext's xgettext needed for makemessages).
messages: install
	cd src/satuatap && ../../$(SATUATAP) makemessages -l id -l en --no-obsolete
	$(BIN)/python scripts/compile_messages.py

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[test,bench]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^satuatap' > requirements.lock
	rm -rf .lock-venv

# Registry benchmark (benchmarks/README.md): generate BENCH_PEOPLE people in 50 offices when
# needed, then measure NIK lookup and name search over HTTP on SQLite, and on PostgreSQL too
# (database satuatap_bench on DATABASE_URL's server) when DATABASE_URL is PostgreSQL.
BENCH_PEOPLE ?= 1000000
BENCH_DATA_DIR ?= var/bench-$(BENCH_PEOPLE)
BENCH_CHECKIN_DIR ?= var/bench-checkin
BENCH_NATIONAL_TICKETS ?= 5000000
BENCH_NATIONAL_DIR ?= var/bench-national-$(BENCH_NATIONAL_TICKETS)
# The benchmark extras (DuckDB, locust) on top of the test install.
bench-deps: install
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[test,bench]"

bench: bench-deps fuzz
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(BENCH_DATA_DIR) $(BIN)/python benchmarks/generate_registry.py --people $(BENCH_PEOPLE) --reset
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(BENCH_DATA_DIR) $(BIN)/python benchmarks/bench_registry.py
	@case "$$DATABASE_URL" in postgres*) \
	  SATUATAP_DATA_DIR=$(BENCH_DATA_DIR) $(BIN)/python benchmarks/generate_registry.py --engine postgres --people $(BENCH_PEOPLE) --reset && \
	  SATUATAP_DATA_DIR=$(BENCH_DATA_DIR) $(BIN)/python benchmarks/bench_registry.py --engine postgres ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: skipping the PostgreSQL benchmark." ;; esac
	@# Check-in throughput (benchmarks/bench_checkin.py): a fresh demo database in
	@# BENCH_CHECKIN_DIR and the PostgreSQL database satuatap_bench_checkin, both rebuilt.
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(BENCH_CHECKIN_DIR) $(BIN)/python benchmarks/bench_checkin.py
	@case "$$DATABASE_URL" in postgres*) \
	  $(BIN)/python benchmarks/bench_checkin.py --engine postgres ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: skipping the PostgreSQL check-in benchmark." ;; esac
	@# National reports (benchmarks/bench_national.py): BENCH_NATIONAL_TICKETS tickets in 50
	@# offices over two years in BENCH_NATIONAL_DIR and the PostgreSQL database
	@# satuatap_bench_national, generated when missing; roll-ups against DuckDB on the raw rows.
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(BENCH_NATIONAL_DIR) $(BIN)/python benchmarks/generate_national.py --tickets $(BENCH_NATIONAL_TICKETS) --reset
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(BENCH_NATIONAL_DIR) $(BIN)/python benchmarks/bench_national.py
	@case "$$DATABASE_URL" in postgres*) \
	  $(BIN)/python benchmarks/generate_national.py --engine postgres --tickets $(BENCH_NATIONAL_TICKETS) --reset && \
	  $(BIN)/python benchmarks/bench_national.py --engine postgres ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: skipping the PostgreSQL national benchmark." ;; esac

# National scale (issue 20, point 4; benchmarks/README.md): 10,000,000 people and 20,000,000
# tickets in 500 offices in the PostgreSQL database satuatap_bench_nation (hours to generate on
# two cores; resumable: run again after a stop), then NIK lookup and name search over HTTP, name
# search against office size, the national dashboard, and 500 staff on the production topology.
NATION = --engine postgres --pg-database satuatap_bench_nation --key nation
.PHONY: bench-nation
bench-nation: bench-deps nginx
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "bench-nation needs DATABASE_URL=postgres://…"; exit 1 ;; esac
	$(BIN)/python benchmarks/generate_national.py $(NATION) --tickets 20000000 --offices 500 --people 10000000 --tail 3 --resume
	$(BIN)/python benchmarks/bench_registry.py $(NATION) --lookups 1000 --names 200
	$(BIN)/python benchmarks/bench_registry.py $(NATION) --scaling --scaling-offices 8 --full-rank-names 20
	$(BIN)/python benchmarks/bench_national.py $(NATION) --cold
	$(BIN)/python benchmarks/national_load.py --pg-database satuatap_bench_nation --users 500

# The long fuzzing run (the suite's is 3 examples per operation and caller).
FUZZ_EXAMPLES ?= 100
.PHONY: fuzz
fuzz: install
	env -u DATABASE_URL SATUATAP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n $(TEST_WORKERS) tests/api/test_schemathesis.py

# Load (benchmarks/run_load.py): 50 staff of four offices for 2 minutes with locust against
# gunicorn, on SQLite (fresh demo database in LOAD_DATA_DIR) and on PostgreSQL too (database
# satuatap_bench_load, re-created) when DATABASE_URL is PostgreSQL; p50/p95 per page go to
# docs/performance.md. A benchmark, not a gate: it fails only when a request fails.
LOAD_DATA_DIR ?= var/bench-load
.PHONY: bench-load load-smoke checkin-smoke
bench-load: bench-deps
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(LOAD_DATA_DIR) $(BIN)/python benchmarks/run_load.py
	@case "$$DATABASE_URL" in postgres*) \
	  $(BIN)/python benchmarks/run_load.py --engine postgres ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: skipping the PostgreSQL load run." ;; esac

# The CI check-in check: a short run on a fresh demo database (SQLite), failing when check-ins
# fall below 5 % of the same run's floor with middleware (a ratio, so a busy machine does not
# make it flaky), on any duplicate or skipped ticket number, or when the roll-ups do not catch up.
checkin-smoke: install
	env -u DATABASE_URL SATUATAP_DATA_DIR=var/checkin-smoke $(BIN)/python benchmarks/bench_checkin.py \
	  --configs gthread-2x4 --duration 10 --warmup 2 --no-doc --min-ratio 0.05

# The CI variant: 10 users for 20 s on SQLite, failing on any failed request; docs untouched.
load-smoke: bench-deps
	env -u DATABASE_URL SATUATAP_DATA_DIR=$(LOAD_DATA_DIR) $(BIN)/python benchmarks/run_load.py \
	  --users 10 --duration 20s --no-doc

# The production topology of deploy/ on loopback (benchmarks/prod_smoke.py, deploy/README.md):
# Debian's nginx over TLS in front of two gunicorn app servers, the huey worker, cache and
# sessions on Redis (databases 14 and 15 of 127.0.0.1:6379, emptied), PostgreSQL (database
# satuatap_prod_smoke on DATABASE_URL's server, re-created), each started with its systemd
# unit's command; an office morning while one app server is killed and restarted. Fails on a
# lost write or a request a user would not have sent again. About 2-3 minutes.
prod-smoke: install nginx
	$(BIN)/python benchmarks/prod_smoke.py

clean:
	rm -rf $(VENV) var .pytest_cache
