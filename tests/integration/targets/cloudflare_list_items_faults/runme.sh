#!/usr/bin/env bash
# Faults cloudflare_list_items must survive, through ansible-playbook against the simulator on
# 127.0.0.1: 429 and 5xx (JSON and HTML) on each item write, a connection reset after a write was
# sent (outcome unknown), a failed operation in the middle of a plan, another writer's operation
# pending (queued or refused), and the account's item limit. Each case (vars/cases.yml, run by
# tasks/case.yml) checks the list's final items, the requests the simulator counted, and a time
# bound. The faults runner runs the cases in three lanes at -vvvv, prints their figures, and checks
# that no credential appears in the output, and that a warning told of each kind of write whose
# outcome was unknown (files/markers.yml).
set -eux

# shellcheck source=../setup_simulator/faults.sh
source ../setup_simulator/faults.sh
faults_run --op-duration 0.2 -- "$@"
