#!/usr/bin/env bash
# The chain users run: change a list's items with ansible.builtin.uri, wait for the bulk operation
# with cloudflare_list_bulk_operation_info, read the items back; and a change Cloudflare rejects.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

ansible-playbook -i "$INVENTORY_PATH" main.yml -e "sim_state_file=$SIM_STATE_FILE" "$@"
