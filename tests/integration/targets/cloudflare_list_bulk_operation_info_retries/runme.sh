#!/usr/bin/env bash
# Recovery of cloudflare_list_bulk_operation_info from 429s, 5xx answers (JSON and HTML), resets,
# truncated and slow answers, injected by the simulator on 127.0.0.1; and failures once retries run out.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

sim_run main.yml "$@"
