# shellcheck shell=bash
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Start the Cloudflare Lists simulator for one integration target, and stop it whatever happens.
# A target's runme.sh sources this file (its aliases need needs/target/setup_simulator):
#
#   source ../setup_simulator/simulator.sh
#   sim_start --op-duration 0.5            # any options of tests/simulator/cloudflare_sim.py
#   ansible-playbook ... -e "sim_state_file=$SIM_STATE_FILE"
#
# The playbook loads ../setup_simulator/vars/simulator.yml (the variable `sim`: url, admin_url,
# account_id and credentials) and imports ../setup_simulator/tasks/main.yml (checks it, resets it);
# tasks/reset.yml resets the simulator between groups of tests. The lookup sim_admin (in
# lookup_plugins/, put on ANSIBLE_LOOKUP_PLUGINS by sim_start) calls its admin API in-process:
#   lookup('sim_admin', 'POST /operations', body={'duration': 2}).id
#
# ansible-test copies only tests/integration to a temporary folder, so the simulator is not found
# relative to this file: it is taken from the netedge.cloudflare collection that Ansible itself
# loads (ANSIBLE_COLLECTIONS_PATH, as ansible-doc resolves it), next to the module under test.
#
# More helpers for runme.sh:
#   sim_run main.yml "$@"        # ansible-playbook -i "$INVENTORY_PATH" main.yml -e sim_state_file=... "$@"
#   sim_lanes 2                  # more simulators, one a lane; an inventory of lanes ($SIM_LANES_INVENTORY)
#   LOGS=$(sim_logs NAME)        # a folder for the logs, under $OUTPUT_DIR
#   sim_playbook main.log ...    # ansible-playbook -vvvv ... into $LOGS/main.log; an excerpt if it fails
#   sim_state api_token          # one value of the state file
# files/check_no_secrets.py checks logs for credentials; faults.sh is the faults targets' runner.
#
# Cleanup: the simulator exits by itself after SIM_LIFETIME seconds (default 180), an EXIT trap
# stops it (and every lane's) when the sourcing shell ends normally or with an error, and INT/TERM
# end that shell through the same trap. The state files live in a temporary folder that the trap removes.

SIM_SETUP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIM_PYTHON=${SIM_PYTHON:-${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}}
SIM_LIFETIME=${SIM_LIFETIME:-180}
SIM_PID=
SIM_DIR=
SIM_STATE_FILE=
SIM_SCRIPT=
SIM_LAUNCHED=
SIM_ARGS=()
SIM_LANE_PIDS=()
SIM_STATE_FILES=()
SIM_LANES_INVENTORY=

# Never talk to a real Cloudflare account or through a proxy, whatever the calling environment holds.
unset CLOUDFLARE_API_TOKEN CLOUDFLARE_TOKEN CLOUDFLARE_EMAIL CLOUDFLARE_API_KEY CLOUDFLARE_BASE_URL CLOUDFLARE_ACCOUNT_ID
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# Print the path of the simulator shipped with the collection that Ansible loads; fail if there is none.
sim_find() {
    local module_file collection
    module_file=$(ansible-doc --json -t module netedge.cloudflare.cloudflare_list_bulk_operation_info |
        "$SIM_PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["netedge.cloudflare.cloudflare_list_bulk_operation_info"]["doc"]["filename"])') || {
        echo "setup_simulator: Ansible does not find netedge.cloudflare (ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-unset})" >&2
        return 1
    }
    collection=${module_file%/plugins/modules/*}
    if [ ! -f "$collection/galaxy.yml" ] || [ ! -f "$collection/tests/simulator/cloudflare_sim.py" ]; then
        echo "setup_simulator: $collection is not a netedge.cloudflare source tree with tests/simulator/cloudflare_sim.py" >&2
        return 1
    fi
    printf '%s\n' "$collection/tests/simulator/cloudflare_sim.py"
}

sim_stop() {
    local pid
    for pid in "${SIM_LANE_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SIM_LANE_PIDS=()
    if [ -n "$SIM_PID" ]; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        SIM_PID=
    fi
    if [ -n "$SIM_DIR" ]; then
        rm -rf "$SIM_DIR"
        SIM_DIR=
    fi
}

# Start one simulator in the background with sim_start's options: sim_launch NAME (state file
# $SIM_DIR/NAME.json, output $SIM_DIR/NAME.log); sets SIM_LAUNCHED to its pid.
sim_launch() {
    "$SIM_PYTHON" "$SIM_SCRIPT" --port 0 --lifetime "$SIM_LIFETIME" --state-file "$SIM_DIR/$1.json" "${SIM_ARGS[@]}" \
        >"$SIM_DIR/$1.log" 2>&1 &
    SIM_LAUNCHED=$!
}

# Wait until a launched simulator listens: sim_wait NAME PID. Its state file appears, complete, once
# it does; fails, with the simulator's output, if it exits or takes more than 10 s.
sim_wait() {
    local waited=0
    while [ ! -s "$SIM_DIR/$1.json" ]; do
        if ! kill -0 "$2" 2>/dev/null || [ "$waited" -ge 100 ]; then
            echo "setup_simulator: the simulator $1 did not start within 10 s:" >&2
            cat "$SIM_DIR/$1.log" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# Start the simulator on 127.0.0.1 (a free port) with the given options; sets SIM_STATE_FILE and SIM_URL.
sim_start() {
    SIM_ARGS=("$@")
    SIM_SCRIPT=$(sim_find)
    SIM_DIR=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/cloudflare-sim.XXXXXX")
    SIM_STATE_FILE="$SIM_DIR/state.json"
    trap sim_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    sim_launch state
    SIM_PID=$SIM_LAUNCHED
    sim_wait state "$SIM_PID"
    SIM_URL=$("$SIM_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$SIM_STATE_FILE")
    case "$SIM_URL" in
        http://127.0.0.1:*/client/v4) ;;
        *) echo "setup_simulator: unexpected simulator URL $SIM_URL" >&2; return 1 ;;
    esac
    # The sim_admin lookup: the playbooks' in-process calls to the admin API.
    export ANSIBLE_LOOKUP_PLUGINS="$SIM_SETUP_DIR/lookup_plugins"
    SIM_STATE_FILES=("$SIM_STATE_FILE")
    export SIM_STATE_FILE SIM_URL
    echo "setup_simulator: $SIM_SCRIPT listening on $SIM_URL (pid $SIM_PID, lifetime ${SIM_LIFETIME}s)"
}

# Call the simulator's admin API: sim_admin METHOD PATH [JSON]; prints the JSON answer, fails on HTTP errors.
sim_admin() {
    "$SIM_PYTHON" "$SIM_SETUP_DIR/files/sim_admin.py" "$SIM_STATE_FILE" "$@"
}

# Print one value of the state file: sim_state KEY (url, admin_url, account_id, api_token...).
sim_state() {
    "$SIM_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$SIM_STATE_FILE" "$1"
}

# Start more simulators, with sim_start's options, so that the tests run in lanes that share no
# account: sim_lanes COUNT (lane 0 is sim_start's simulator). Appends each state file to
# SIM_STATE_FILES and writes the inventory SIM_LANES_INVENTORY: hosts lane0..laneN-1 in the group
# lanes, with the variables lane and sim_state_file, run locally with the playbook's Python.
sim_lanes() {
    local count=$1 lane
    for lane in $(seq 1 $((count - 1))); do
        sim_launch "lane$lane"
        SIM_LANE_PIDS+=("$SIM_LAUNCHED")
        SIM_STATE_FILES+=("$SIM_DIR/lane$lane.json")
    done
    # They start side by side.
    for lane in $(seq 1 $((count - 1))); do
        sim_wait "lane$lane" "${SIM_LANE_PIDS[$((lane - 1))]}"
    done
    SIM_LANES_INVENTORY="$SIM_DIR/lanes.ini"
    {
        echo "[lanes]"
        for lane in $(seq 0 $((count - 1))); do
            echo "lane$lane lane=$lane sim_state_file=${SIM_STATE_FILES[$lane]}"
        done
        echo "[lanes:vars]"
        echo "ansible_connection=local"
        echo "ansible_python_interpreter={{ ansible_playbook_python }}"
    } >"$SIM_LANES_INVENTORY"
    echo "setup_simulator: $count lanes, inventory $SIM_LANES_INVENTORY"
}

# Run a playbook against the simulator, on the inventory ansible-test gives: sim_run PLAYBOOK ARGS...
sim_run() {
    ansible-playbook -i "$INVENTORY_PATH" "$1" -e "sim_state_file=$SIM_STATE_FILE" "${@:2}"
}

# Make a folder for a target's logs and print its path: LOGS=$(sim_logs NAME).
sim_logs() {
    mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/$1.XXXXXX"
}

# Run ansible-playbook -vvvv ARGS... with its output in $LOGS/LOG: sim_playbook LOG ARGS...
# If it fails, print the tasks, failures and messages of its last lines, every failed check (a lane
# of a free play may have failed long before the end) and the recap, and return its exit code.
sim_playbook() {
    local log="$LOGS/$1" started=$SECONDS rc=0
    shift
    ansible-playbook -vvvv "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
        grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg|ERROR" "$log" | tail -n 60
        echo "setup_simulator: the failed checks in $log:"
        grep -E -B1 -A3 '^    "assertion": ' "$log" | cut -c1-600 | head -n 80
        grep -E -A8 "^PLAY RECAP" "$log"
        return "$rc"
    fi
    echo "$log: $((SECONDS - started)) s"
}
