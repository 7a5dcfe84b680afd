# Test harness for the netedge.cloudflare collection (ansible-test without Docker).
#
#   make test          sanity + units + integration; last line: "N passed, M failed"
#   make sanity | units | integration
#   make venv          build (or reuse) the controller venv and print its path
#   make clean         remove the cached venvs, the working copy and the logs
#   make demo          run hacking/demo.sh
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

HARNESS := PYTHON='$(PYTHON)' ANSIBLE_CORE='$(ANSIBLE_CORE)' CACHE_DIR='$(CACHE_DIR)' \
	COPY_ROOT='$(COPY_ROOT)' LOG_DIR='$(LOG_DIR)' SANITY_ARGS='$(SANITY_ARGS)' \
	UNITS_ARGS='$(UNITS_ARGS)' INTEGRATION_ARGS='$(INTEGRATION_ARGS)' STEP_TIMEOUT='$(STEP_TIMEOUT)' \
	bash hacking/ansible-test-env.sh

.DEFAULT_GOAL := test
.PHONY: test sanity units integration venv clean demo help

test:
	@$(HARNESS) sanity units integration

sanity:
	@$(HARNESS) sanity

units:
	@$(HARNESS) units

integration:
	@$(HARNESS) integration

venv:
	@$(HARNESS) venv

clean:
	@$(HARNESS) clean

demo:
	@if [ -f hacking/demo.sh ]; then bash hacking/demo.sh; else echo "hacking/demo.sh does not exist yet"; fi

help:
	@sed -n '1,20s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))
