#!/usr/bin/env bash
# Faults cloudflare_list_items must survive, through ansible-playbook against the simulator on
# 127.0.0.1: 429 and 5xx (JSON and HTML) on each item write, a connection reset after a write was
# sent (outcome unknown), a failed operation in the middle of a plan, another writer's operation
# pending (queued or refused), and the account's item limit. Each case checks the list's final
# items, the requests the simulator counted, and a time bound. The cases run in three lanes, each
# against its own simulator; the whole run is at -vvvv, and no credential may appear in it.
set -eux

export SIM_LIFETIME=${SIM_LIFETIME:-600}
# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.2
export ANSIBLE_PIPELINING=true
export ANSIBLE_INJECT_INVOCATION=true
LOGS=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/list_items_faults.XXXXXX")

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
    "$SIM_PYTHON" "$SIM_SCRIPT" --port 0 --lifetime "$SIM_LIFETIME" --op-duration 0.2 \
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

rc=0
ansible-playbook -vvvv -i "$LOGS/inventory" -i "$INVENTORY_PATH" faults.yml -e "figures_file=$LOGS/figures.json" "$@" \
    >"$LOGS/faults.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
    grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg|ERROR" "$LOGS/faults.log" | tail -n 60
    exit "$rc"
fi
"$SIM_PYTHON" files/report.py "$LOGS/figures.json" "$LOGS/faults.log" -- "${STATE_FILES[@]}"
