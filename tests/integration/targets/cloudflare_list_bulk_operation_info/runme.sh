#!/usr/bin/env bash
# Statuses, waits, authentication, environment variables, module_defaults, check mode and
# input and API errors of cloudflare_list_bulk_operation_info, against the simulator on 127.0.0.1.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

sim_run main.yml "$@"
