#!/usr/bin/env bash
# cloudflare_list_info through ansible-playbook, against the simulator on 127.0.0.1: every list, one by
# name or id, a name or id that matches nothing, items across pages, search, check mode, bad options.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

sim_run main.yml "$@"
