#!/usr/bin/env bash
# Faults cloudflare_list_bulk_operation_info must survive, against the simulator on 127.0.0.1:
# 429 storms with Retry-After (JSON, HTML, HTTP date), 5xx bursts (JSON and HTML), resets in the
# middle of a wait, answers slower than timeout, truncated answers, the rate limit during a wait.
# Each case ends with the operation's real status or a failure naming the fault, within the bound
# the documentation states (docs/reliability.md); the whole run is at -vvvv, and no credential
# may appear in its output or in Ansible's log.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

LOGS=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/faults.XXXXXX")
export ANSIBLE_LOG_PATH="$LOGS/ansible.log"
# Show the module arguments in results (masked no_log options included).
export ANSIBLE_INJECT_INVOCATION=true
rc=0
ansible-playbook -vvvv -i "$INVENTORY_PATH" faults.yml -e "sim_state_file=$SIM_STATE_FILE" \
    -e "figures_file=$LOGS/figures.json" "$@" >"$LOGS/faults.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
    grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg" "$LOGS/faults.log" | tail -n 60
    exit "$rc"
fi
"$SIM_PYTHON" files/report.py "$SIM_STATE_FILE" "$LOGS/figures.json" "$LOGS/faults.log" "$LOGS/ansible.log"
