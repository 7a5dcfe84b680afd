# Test harness for the netedge.cloudflare collection (ansible-test without Docker).
#
#   make test          sanity + units + integration + ecosystem on the newest ansible-core, then units +
#                      integration on the oldest supported one; last line: "N passed, M failed"
#   make sanity | units | integration | ecosystem
#   make docs          build the HTML docs site into build/docs (antsibull-docs + Sphinx)
#   make venv          build (or reuse) the controller venv and print its path
#   make clean         remove the cached venvs, the working copy and the logs
#   make demo          run hacking/demo.sh
#   make bench         by hand only, not part of test: the wait benchmark, then the sync benchmark (about 80 min;
#                      BENCH=wait or BENCH=sync runs one; BENCH_ARGS / SYNC_BENCH_ARGS pass options; docs/performance.md)
#
# Variables:
#   PYTHON=python3.12                          controller interpreter (name or path);
#                                              default python3.13, else python3.12, else python3
#   ANSIBLE_CORE='ansible-core>=2.21,<2.22'    pip requirement; default: newest ansible-core
#   CACHE_DIR=/tmp/x                           venvs and working copy (default ~/.cache/netedge-cloudflare)
#   COPY_ROOT=/tmp/y                           where .../ansible_collections/netedge/cloudflare is copied
#   LOG_DIR=...                                full logs (default tests/output/harness)
#   SANITY_ARGS=, UNITS_ARGS=, INTEGRATION_ARGS=   extra ansible-test arguments,
#                                              e.g. SANITY_ARGS='--test pep8'
#   STEP_TIMEOUT=900                           seconds one ansible-test run may take (0: no limit)
#   OLDEST_PYTHON=python3.12 OLDEST_CORE=...   the support-matrix run of make test; MATRIX=0 skips it

SHELL := /bin/bash

PYTHON ?=
ANSIBLE_CORE ?= ansible-core
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/netedge-cloudflare
COPY_ROOT ?= $(CACHE_DIR)
LOG_DIR ?= $(CURDIR)/tests/output/harness
SANITY_ARGS ?=
UNITS_ARGS ?=
INTEGRATION_ARGS ?=
STEP_TIMEOUT ?= 900

# The oldest ansible-core that meta/runtime.yml allows (>=2.17.0) and that installs here; make test
# runs the unit and integration tests on it too. MATRIX=0 skips that run.
OLDEST_PYTHON ?= python3.12
OLDEST_CORE ?= ansible-core>=2.17,<2.18
MATRIX ?= 1

HARNESS_ENV := CACHE_DIR='$(CACHE_DIR)' COPY_ROOT='$(COPY_ROOT)' LOG_DIR='$(LOG_DIR)' SANITY_ARGS='$(SANITY_ARGS)' \
	UNITS_ARGS='$(UNITS_ARGS)' INTEGRATION_ARGS='$(INTEGRATION_ARGS)' STEP_TIMEOUT='$(STEP_TIMEOUT)'
HARNESS := PYTHON='$(PYTHON)' ANSIBLE_CORE='$(ANSIBLE_CORE)' $(HARNESS_ENV) bash hacking/ansible-test-env.sh
HARNESS_OLDEST := PYTHON='$(OLDEST_PYTHON)' ANSIBLE_CORE='$(OLDEST_CORE)' $(HARNESS_ENV) \
	RESULTS_MODE=append STEP_LABEL_SUFFIX=' (oldest)' LOG_SUFFIX=-oldest PRINT_TOTAL=0 bash hacking/ansible-test-env.sh

.DEFAULT_GOAL := test
.PHONY: test sanity units integration ecosystem docs venv clean demo help bench

test:
	@status=0; \
	PRINT_TOTAL=0 $(HARNESS) sanity units integration ecosystem || status=1; \
	if [ '$(MATRIX)' = 1 ]; then $(HARNESS_OLDEST) units integration || status=1; fi; \
	python3 hacking/summary.py total --results '$(LOG_DIR)/results.jsonl' || status=1; \
	exit $$status

sanity:
	@$(HARNESS) sanity

units:
	@$(HARNESS) units

integration:
	@$(HARNESS) integration

venv:
	@$(HARNESS) venv

ecosystem:
	@$(HARNESS) ecosystem

docs:
	@ECOSYSTEM_ONLY=docs_site $(HARNESS) ecosystem
	@echo "docs site: $(CURDIR)/build/docs/build/html/index.html"

clean:
	@$(HARNESS) clean

demo:
	@bash hacking/demo.sh

help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

BENCH ?= all
BENCH_ARGS ?=
SYNC_BENCH_ARGS ?=

# By hand only, never part of test (docs/performance.md): BENCH=wait|sync|all; BENCH_ARGS='--runs 7' goes to the
# wait benchmark, SYNC_BENCH_ARGS='--sizes 1000,10000 --runs 1' to the sync one.
bench:
	@BENCH_ARGS='$(BENCH_ARGS)' SYNC_BENCH_ARGS='$(SYNC_BENCH_ARGS)' bash benchmarks/run.sh $(BENCH)
