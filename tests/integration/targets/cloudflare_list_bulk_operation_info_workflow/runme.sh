#!/usr/bin/env bash
# The chain users run: change a list's items with ansible.builtin.uri, wait for the bulk operation
# with cloudflare_list_bulk_operation_info, read the items back; and a change Cloudflare rejects.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
# "Two changes in a row" relies on Cloudflare queueing a write sent while another bulk operation is
# pending (its older docs); the simulator refuses such a write by default (the current reference).
# cloudflare_list_items is tested under both; this chain of uri calls shows the queueing one.
sim_start --op-duration 0.5 --busy-writes queue
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

sim_run main.yml "$@"
