# Test harness for the netedge.cloudflare collection (ansible-test without Docker).
#
#   make test          every check, in lanes side by side (hacking/matrix.py): sanity + units + ecosystem checks,
#                      and integration, on the newest ansible-core; integration, then (once a core is free) units,
#                      on the oldest supported one; venvs installed from the lock files; last line: "N passed, M failed"
#   make test-latest   the same with the newest releases instead of the locks (by hand; not part of make test)
#   make lock          regenerate the lock files (hacking/lock/*.txt, tests/*/constraints.txt) from the
#                      top-level requirements (hacking/lock/*.in); commit them to raise a dependency
#   make sanity | units | integration | ecosystem    one step on the newest ansible-core
#   make docs          build the HTML docs site into build/docs (antsibull-docs + Sphinx)
#   make venv          build (or reuse) the controller venv and print its path
#   make clean         remove the cached venvs, the working copies and the logs
#   make demo          run hacking/demo.sh
#   make bench         by hand only, not part of test: the wait benchmark, then the sync benchmark (about 80 min;
#                      BENCH=wait or BENCH=sync runs one; BENCH_ARGS / SYNC_BENCH_ARGS pass options; docs/performance.md)
#
# Variables:
#   LOCK=hacking/lock/core-newest-py3.13.txt   the controller venv's lock (its Python is the one it names)
#   ANSIBLE_CORE='ansible-core>=2.21,<2.22'    install this ansible-core without a lock (newest matching releases)
#   PYTHON=python3.12                          controller interpreter (name or path); default: the lock's
#   LATEST=1                                   ignore the locks (what make test-latest sets)
#   CACHE_DIR=/tmp/x                           venvs and working copies (default ~/.cache/netedge-cloudflare)
#   COPY_ROOT=/tmp/y                           where .../ansible_collections/netedge/cloudflare is copied
#   LOG_DIR=...                                full logs (default tests/output/harness)
#   SANITY_ARGS=, UNITS_ARGS=, INTEGRATION_ARGS=   extra ansible-test arguments,
#                                              e.g. SANITY_ARGS='--test pep8'
#   STEP_TIMEOUT=1800                          seconds one ansible-test run may take (0: no limit)
#   OLDEST_LOCK=... OLDEST_PYTHON=python3.12 OLDEST_CORE=...   the support-matrix lanes; MATRIX=0 skips them

SHELL := /bin/bash

PYTHON ?=
ANSIBLE_CORE ?=
LOCK ?= hacking/lock/core-newest-py3.13.txt
TOOLS_LOCK ?= hacking/lock/tools-py3.13.txt
LATEST ?= 0
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/netedge-cloudflare
COPY_ROOT ?= $(CACHE_DIR)
LOG_DIR ?= $(CURDIR)/tests/output/harness
SANITY_ARGS ?=
UNITS_ARGS ?=
INTEGRATION_ARGS ?=
# A step that hangs is stopped after STEP_TIMEOUT seconds (30 minutes): the longest, an integration run, takes
# about 10 minutes beside the other lanes on 2 quiet cores and two to three times that on a busy machine, and
# it must be stopped well inside the whole run's limit in CI (90 minutes).
STEP_TIMEOUT ?= 1800

# The oldest ansible-core that meta/runtime.yml allows (>=2.17.0) and that installs here; make test
# runs the unit and integration tests on it too (its lock, or OLDEST_CORE on OLDEST_PYTHON without one).
# MATRIX=0 skips those lanes. OLDEST_CORE is read from the lock's input, so that both say the same.
OLDEST_LOCK ?= hacking/lock/core-oldest-py3.12.txt
OLDEST_PYTHON ?= python3.12
OLDEST_CORE ?= $(shell sed -n 's/^\(ansible-core[^ #]*\).*/\1/p' hacking/lock/core-oldest.in)
ifeq ($(origin OLDEST_CORE),command line)
OLDEST_LOCK :=
endif
MATRIX ?= 1

HARNESS_ENV := CACHE_DIR='$(CACHE_DIR)' COPY_ROOT='$(COPY_ROOT)' LOG_DIR='$(LOG_DIR)' SANITY_ARGS='$(SANITY_ARGS)' \
	UNITS_ARGS='$(UNITS_ARGS)' INTEGRATION_ARGS='$(INTEGRATION_ARGS)' STEP_TIMEOUT='$(STEP_TIMEOUT)' \
	PYTHON='$(PYTHON)' ANSIBLE_CORE='$(ANSIBLE_CORE)' LOCK='$(LOCK)' TOOLS_LOCK='$(TOOLS_LOCK)'
HARNESS := $(HARNESS_ENV) LATEST='$(LATEST)' bash hacking/ansible-test-env.sh
MATRIX_ENV := $(HARNESS_ENV) OLDEST_LOCK='$(OLDEST_LOCK)' OLDEST_PYTHON='$(OLDEST_PYTHON)' \
	OLDEST_CORE='$(OLDEST_CORE)' MATRIX='$(MATRIX)'

.DEFAULT_GOAL := test
.PHONY: test test-latest lock sanity units integration ecosystem docs venv clean demo help bench

test:
	@$(MATRIX_ENV) LATEST='$(LATEST)' python3 hacking/matrix.py

test-latest:
	@$(MATRIX_ENV) LATEST=1 python3 hacking/matrix.py

# The resolver (uv) runs from a venv of its own, installed from its own hashed lock.
LOCK_TOOL := $(CACHE_DIR)/venvs/lock-tool
lock:
	@set -e; \
	if ! cmp -s hacking/lock/lock-tool.txt '$(LOCK_TOOL)/.installed' 2>/dev/null; then \
		rm -rf '$(LOCK_TOOL)'; python3 -m venv '$(LOCK_TOOL)'; \
		'$(LOCK_TOOL)/bin/python' -m pip install --disable-pip-version-check --quiet --require-hashes --no-deps \
			-r hacking/lock/lock-tool.txt 2>&1 | grep -v 'is ignored' || true; \
		'$(LOCK_TOOL)/bin/uv' --version >/dev/null; cp hacking/lock/lock-tool.txt '$(LOCK_TOOL)/.installed'; \
	fi; \
	echo "==> make lock ($$('$(LOCK_TOOL)/bin/uv' --version))"; \
	'$(LOCK_TOOL)/bin/python' hacking/lock.py --uv '$(LOCK_TOOL)/bin/uv'

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
