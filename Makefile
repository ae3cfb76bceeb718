# normenkader: `make build` (a demo warehouse) and `make test` (everything CI checks). Needs Python 3.11 and make.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
# Spark's dbt lives in a venv of its own (requirements-spark.lock): PySpark in the main venv breaks GX's import
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed-$(shell cat requirements-spark.lock | sha256sum | cut -c1-12)

SCALE ?= 0.05
SEED ?= 42
DELIVERIES ?= data/deliveries
NORMENKADER_DB ?= data/normenkader.duckdb
CI_DIR := data/ci
SPARK_DIR := $(CURDIR)/data/spark
export DBT_PROFILES_DIR := $(CURDIR)/profiles

DELIVERY ?= $(DELIVERIES)
VALIDATION_DIR ?= data/validation
PUBLISHED ?= data/published
PORT ?= 8501

.PHONY: backtest venv spark-venv build build-postgres build-spark validate publish dashboard screenshots docs export test test-engines lint test-warehouse pytest bench clean

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "error: Python 3.11 is needed, found " + sys.version.split()[0])'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

$(SPARK_STAMP): requirements-spark.lock
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	rm -rf $(SPARK_VENV)
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-spark.lock
	touch $(SPARK_STAMP)

spark-venv: $(SPARK_STAMP)

## build: venv, demo deliveries, GX validation (stops on a contract break), load, dbt build on DuckDB, the privacy
## scan (no BSN, name or address outside the source layer), and the read-only snapshot BI tools and the dashboards read
# a plain build: a table kept between builds whose seeds, models, macros or vars changed (a new version of
# normenkader, a user's edit of a seed) is built in full by itself (D-76); the history models keep their rows (D-44)
build: venv
	$(BIN)/normenkader generate --scale $(SCALE) --seed $(SEED) --out $(DELIVERIES)
	$(BIN)/normenkader load --root $(DELIVERIES) --db $(NORMENKADER_DB) --validate $(VALIDATION_DIR)
	NORMENKADER_DB=$(NORMENKADER_DB) $(BIN)/normenkader dbt build
	$(BIN)/normenkader privacy-scan --db $(NORMENKADER_DB)
	$(BIN)/normenkader publish --db $(NORMENKADER_DB) --out $(PUBLISHED)
	@echo
	@echo "Warehouse built: $(abspath $(NORMENKADER_DB)); published for readers: $(abspath $(PUBLISHED))"
	@echo "Dashboards: make dashboard  (then open http://127.0.0.1:$(PORT)/)"
	@echo "Try:  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(PUBLISHED)/normenkader.duckdb', read_only=True).sql('select institution, norm_id, jaar, aantal_bevindingen, financiele_impact from normen.rpt_norm_risico where telt_in_totaal order by financiele_impact desc limit 10'))\""
	@echo "Docs: make docs  (then open target/static_index.html)"

## publish: after a `dbt build` by hand, refresh the read-only snapshot (a DuckDB 1.4 file and Parquet per table)
publish: venv
	$(BIN)/normenkader publish --db $(NORMENKADER_DB) --out $(PUBLISHED)

## dashboard: the dashboards on http://127.0.0.1:$(PORT)/, over the published snapshot (after `make build`)
dashboard: venv
	$(BIN)/normenkader dashboard --published $(PUBLISHED) --port $(PORT)

## screenshots: the dashboard's browser test on the CI warehouse, its screenshots written to docs/screenshots
screenshots: venv
	NORMENKADER_TEST_DB=$(CI_DIR)/normenkader.duckdb NORMENKADER_TEST_DELIVERIES=$(CI_DIR)/deliveries \
		NORMENKADER_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest -q normenkader/tests/test_dashboard.py

## build-postgres: after `make build`, the same project on a local PostgreSQL server (installed from Debian when
## missing, started on 127.0.0.1:55432, data in data/postgres): raw layer copied, dbt build, marts compared with DuckDB
build-postgres: venv
	$(BIN)/normenkader postgres start
	$(BIN)/normenkader postgres sync --db $(NORMENKADER_DB)
	$(BIN)/dbt build --target demo_postgres --target-path target/postgres --quiet
	$(BIN)/normenkader postgres compare --db $(NORMENKADER_DB)

## build-spark: after `make build`, the same project on Spark (dbt-spark in session mode, a local PySpark; Java 17,
## installed from Debian when missing): raw layer written as parquet under data/spark, dbt build, marts compared
build-spark: venv spark-venv
	$(BIN)/normenkader spark sync --db $(NORMENKADER_DB) --dir $(SPARK_DIR)
	NORMENKADER_SPARK_DIR=$(SPARK_DIR) $(SPARK_VENV)/bin/dbt build --target demo_spark --target-path target/spark --quiet
	$(BIN)/normenkader spark compare --db $(NORMENKADER_DB) --dir $(SPARK_DIR)

## validate: the GX suites of the contract on DELIVERY (a delivery folder or a root); report and Data Docs in
## VALIDATION_DIR; exit 1 on a contract break
validate: venv
	$(BIN)/normenkader validate --delivery $(DELIVERY) --report-dir $(VALIDATION_DIR)

## docs: dbt's documentation as one page that opens from disk (file://), no server needed
docs: venv
	NORMENKADER_DB=$(NORMENKADER_DB) $(BIN)/dbt docs generate --static --quiet
	@echo "Documentation: $(abspath target/static_index.html)"

export: venv
	$(BIN)/normenkader export --db $(NORMENKADER_DB) --out data/exports

## test: lint (ruff, contract render check, sqlfluff) beside a small warehouse with every dbt test and docs, then
## pytest. Lint and the warehouse run side by side: both are long and neither waits for the other; each prints
## its output when it is done (make -O)
test: venv
	$(MAKE) --no-print-directory -j2 -O lint test-warehouse
	$(MAKE) --no-print-directory pytest

# sqlfluff's dbt templater compiles the project in a target folder of its own, so a lint beside a build never
# overwrites the build's manifest
lint: venv
	$(BIN)/ruff check normenkader
	$(BIN)/normenkader contract --check
	NORMENKADER_DB=:memory: DBT_TARGET_PATH=target/sqlfluff $(BIN)/sqlfluff lint models analyses tests --processes 2

test-warehouse: venv
	rm -rf $(CI_DIR)
	$(BIN)/normenkader generate --scale 0.01 --seed $(SEED) --out $(CI_DIR)/deliveries
	$(BIN)/normenkader load --root $(CI_DIR)/deliveries --db $(CI_DIR)/normenkader.duckdb --validate $(CI_DIR)/validation
	NORMENKADER_DB=$(CI_DIR)/normenkader.duckdb $(BIN)/dbt build
	$(BIN)/normenkader privacy-scan --db $(CI_DIR)/normenkader.duckdb
	NORMENKADER_DB=$(CI_DIR)/normenkader.duckdb $(BIN)/dbt docs generate --quiet

pytest: venv
	NORMENKADER_TEST_DB=$(CI_DIR)/normenkader.duckdb NORMENKADER_TEST_DELIVERIES=$(CI_DIR)/deliveries \
		$(BIN)/pytest -n 2 --dist loadfile --durations=40

## test-engines: the engine comparisons: PostgreSQL (also part of `make test`) and Spark (only here: its venv and
## a local PySpark build with every data test take ~8 minutes, more than CI's 20 minutes leave) build the CI
## warehouse's deliveries with every dbt test passing and the same marts as DuckDB; only here, too, four nights of
## change deliveries on PostgreSQL equal to the full build (test_postgres_nights_equal_the_full_build)
test-engines: venv spark-venv
	NORMENKADER_TEST_DB=$(CI_DIR)/normenkader.duckdb NORMENKADER_TEST_DELIVERIES=$(CI_DIR)/deliveries \
		NORMENKADER_SPARK_DBT=$(CURDIR)/$(SPARK_VENV)/bin/dbt NORMENKADER_TEST_PG_NIGHTS=1 \
		$(BIN)/pytest -n 2 --dist loadfile \
		normenkader/tests/test_engines.py normenkader/tests/test_spark.py

## bench: generation, GX validation, load, floor query, dbt build and the next night's build at scale 0.1, 1, 3 and
## 10 (about 80 minutes and 35 GB of disk; BENCH_SCALES="0.1 1 3" leaves out 10), PostgreSQL beside DuckDB up to
## scale 1 (at 3 it alone would add ~20 minutes), the load with the GX validation at every scale (at 10 about a
## minute more than the load, D-100; BENCH_VALIDATE_UP_TO=3 leaves it out above 3), plus the fixed cost on an empty
## delivery; figures appended to docs/benchmarks.md, plot in docs/benchmarks-scale.svg
BENCH_SCALES ?= 0.1 1 3 10
BENCH_VALIDATE_UP_TO ?= 10
## the revision built beside this one on the same warehouses (empty: none)
BENCH_BASELINE ?= HEAD~1
bench: venv
	$(BIN)/normenkader bench --scales $(BENCH_SCALES) --postgres-up-to 1 --validate-up-to $(BENCH_VALIDATE_UP_TO) \
		$(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE))

## backtest: the prognose back-test (var.rpt_var_backtest) over several generator seeds at one scale, summed per
## parameter, method and period of the year, appended to docs/benchmarks.md (~40 s per seed at scale 1). The
## methods were chosen on seeds 42 and 101-103 (D-96): report on others. The deliveries have the registration lag
## of D-97; BACKTEST_FLAGS=--zonder-vertraging generates without it
SEEDS ?= 1 2 3 4 5 6 7 8 9 10
BACKTEST_SCALE ?= 1
BACKTEST_FLAGS ?=
backtest: venv
	$(BIN)/normenkader backtest --seeds $(SEEDS) --scale $(BACKTEST_SCALE) --write $(BACKTEST_FLAGS)

clean:
	-$(BIN)/normenkader postgres stop
	rm -rf target logs data $(VENV) $(SPARK_VENV)
