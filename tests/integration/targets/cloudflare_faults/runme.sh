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

LOGS=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/faults.XXXXXX")

# Two more simulators, from the same script, for two more lanes of cases.
LANES=3
EXTRA_PIDS=()
stop_lanes() {
    local pid
    for pid in "${EXTRA_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    sim_stop
}
trap stop_lanes EXIT
STATE_FILES=("$SIM_STATE_FILE")
for lane in $(seq 2 "$LANES"); do
    "$SIM_PYTHON" "$SIM_SCRIPT" --port 0 --lifetime "$SIM_LIFETIME" --op-duration 0.5 \
        --state-file "$LOGS/sim$lane.json" >"$LOGS/sim$lane.log" 2>&1 &
    EXTRA_PIDS+=("$!")
    STATE_FILES+=("$LOGS/sim$lane.json")
done
for state in "${STATE_FILES[@]}"; do
    for _ in $(seq 100); do
        [ -s "$state" ] && break
        sleep 0.1
    done
    [ -s "$state" ] || { cat "$LOGS"/sim*.log; exit 1; }
done

{
    echo "[lanes]"
    for lane in $(seq 0 $((LANES - 1))); do
        echo "lane$lane lane=$lane sim_state_file=${STATE_FILES[$lane]}"
    done
    echo "[lanes:vars]"
    echo "ansible_connection=local"
    echo "ansible_python_interpreter={{ ansible_playbook_python }}"
} >"$LOGS/inventory"

export ANSIBLE_LOG_PATH="$LOGS/ansible.log"
# Show the module arguments in results (masked no_log options included).
export ANSIBLE_INJECT_INVOCATION=true
rc=0
ansible-playbook -vvvv -i "$LOGS/inventory" -i "$INVENTORY_PATH" faults.yml -e "figures_file=$LOGS/figures.json" "$@" \
    >"$LOGS/faults.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
    grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg" "$LOGS/faults.log" | tail -n 60
    exit "$rc"
fi
"$SIM_PYTHON" files/report.py "$LOGS/figures.json" "$LOGS/faults.log" "$LOGS/ansible.log" -- "${STATE_FILES[@]}"
