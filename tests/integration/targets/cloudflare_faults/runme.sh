#!/usr/bin/env bash
# Faults cloudflare_list_bulk_operation_info must survive, against the simulator on 127.0.0.1:
# 429 storms with Retry-After (JSON, HTML, HTTP date), 5xx bursts (JSON and HTML), resets in the
# middle of a wait, answers slower than timeout, truncated answers, the rate limit during a wait.
# Each case (vars/cases.yml, run by tasks/case.yml with the test module library/sim_case.py) ends
# with the operation's real status or a failure naming the fault, within the bound the
# documentation states (docs/reliability.md). The faults runner runs the cases in three lanes at
# -vvvv, prints their figures, and checks that no credential appears in the output or Ansible's log.
set -eux

# shellcheck source=../setup_simulator/faults.sh
source ../setup_simulator/faults.sh
faults_run --op-duration 0.5 -- "$@"
