#!/usr/bin/env bash
# cloudflare_list_items through ansible-playbook against the simulator on 127.0.0.1: each state for
# each kind of list, the same exact task twice under every simulator variant, items refused before
# any request, the removal guard, wait: false chained into cloudflare_list_bulk_operation_info, and
# --check --diff. Everything runs at -vvvv, and no credential may appear in what ansible prints.
set -eux

# The playbooks reset the simulator between groups of tests; it outlives the slowest run.
export SIM_LIFETIME=${SIM_LIFETIME:-600}
# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.2
# A second simulator, with the same options, for the second lane of main.yml.
sim_lanes 2
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true
# Show each task's module arguments: the no_log options must be masked there too.
export ANSIBLE_INJECT_INVOCATION=true
LOGS=$(sim_logs list_items)

sim_playbook main.log -i "$SIM_LANES_INVENTORY" -i "$INVENTORY_PATH" main.yml "$@"
sim_playbook diff.log -i "$INVENTORY_PATH" check_diff.yml -e "sim_state_file=$SIM_STATE_FILE" --check --diff "$@"

# The diff as ansible-playbook printed it: one line per item added, removed and updated.
for line in '+ 192.0.2.2' '- 192.0.2.9' '~ 192.0.2.1  # new  (was: 192.0.2.1  # old)'; do
    grep -qxF -- "$line" "$LOGS/diff.log" || { echo "the diff does not show: $line"; exit 1; }
done
grep -qF 'List reviewed (ip, ' "$LOGS/diff.log"

# No credential of either simulator, nor the wrong token, in what ansible printed (files/markers.yml:
# what each log must show).
"$SIM_PYTHON" ../setup_simulator/files/check_no_secrets.py "${SIM_STATE_FILES[@]/#/--state=}" \
    --secrets vars/wrong_secrets.yml --markers files/markers.yml "$LOGS/main.log" "$LOGS/diff.log"
