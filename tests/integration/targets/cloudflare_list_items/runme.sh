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
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true
# Show each task's module arguments: the no_log options must be masked there too.
export ANSIBLE_INJECT_INVOCATION=true
LOGS=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/list_items.XXXXXX")

# A second simulator, from the same script, for the second lane of main.yml.
LANE_PID=
stop_lanes() {
    if [ -n "$LANE_PID" ]; then
        kill "$LANE_PID" 2>/dev/null || true
        wait "$LANE_PID" 2>/dev/null || true
    fi
    sim_stop
}
trap stop_lanes EXIT
"$SIM_PYTHON" "$SIM_SCRIPT" --port 0 --lifetime "$SIM_LIFETIME" --op-duration 0.2 --state-file "$LOGS/sim1.json" \
    >"$LOGS/sim1.log" 2>&1 &
LANE_PID=$!
for _ in $(seq 100); do
    [ -s "$LOGS/sim1.json" ] && break
    sleep 0.1
done
[ -s "$LOGS/sim1.json" ] || { cat "$LOGS/sim1.log"; exit 1; }
cat >"$LOGS/inventory" <<INVENTORY
[lanes]
lane0 lane=0 sim_state_file=$SIM_STATE_FILE
lane1 lane=1 sim_state_file=$LOGS/sim1.json
[lanes:vars]
ansible_connection=local
ansible_python_interpreter={{ ansible_playbook_python }}
INVENTORY

playbook() {
    local log="$LOGS/$1" started=$SECONDS
    shift
    ansible-playbook -vvvv "$@" >"$log" 2>&1 || {
        grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg|ERROR" "$log" | tail -n 60
        exit 1
    }
    echo "$log: $((SECONDS - started)) s"
}

playbook main.log -i "$LOGS/inventory" -i "$INVENTORY_PATH" main.yml "$@"
playbook diff.log -i "$INVENTORY_PATH" check_diff.yml -e "sim_state_file=$SIM_STATE_FILE" --check --diff "$@"

# The diff as ansible-playbook printed it: one line per item added, removed and updated.
for line in '+ 192.0.2.2' '- 192.0.2.9' '~ 192.0.2.1  # new  (was: 192.0.2.1  # old)'; do
    grep -qxF -- "$line" "$LOGS/diff.log" || { echo "the diff does not show: $line"; exit 1; }
done
grep -qF 'List reviewed (ip, ' "$LOGS/diff.log"

"$SIM_PYTHON" files/check_no_secrets.py "$SIM_STATE_FILE" "$LOGS/sim1.json" -- main.yml "$LOGS/main.log" "$LOGS/diff.log"
