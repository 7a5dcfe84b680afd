# shellcheck shell=bash
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The faults runner: a faults target's runme.sh sources this file and calls faults_run.
#
#   source ../setup_simulator/faults.sh
#   faults_run --op-duration 0.5 -- "$@"     # simulator options -- ansible-playbook options
#
# The target gives its cases and how to run one:
#   vars/cases.yml    `cases`, a list of mappings with a unique `name` each (and anything else the target's
#                     tasks read);
#   tasks/case.yml    one case (`case`): prepare the lane's simulator, run the module in a task named
#                     "Run: {{ case.name }}" (with ansible_python_interpreter files/timed_python and its
#                     TIMED_PYTHON and TIMED_PYTHON_LOG, see ../faults.yml), check, and append the case's figure
#                     to `figures`: name, index (cases.index(case)), lane (inventory_hostname), seconds (the
#                     module's own: module_seconds), task_seconds, bound (the most it may take), outcome, and
#                     counts (a mapping: one column of the report each);
#   tasks/warmup.yml  the module the cases run, once per lane with input refused before any request, so that
#                     no case pays for Ansible building its payload the first time;
#   library/          (optional) test modules the case tasks use;
#   files/markers.yml (optional) more texts the logs must show (see files/check_no_secrets.py).
# FAULTS_LANES (default 3) simulators, each with the given options, run the cases in lanes: case i
# in lane i mod FAULTS_LANES, each lane at its own pace (../setup_simulator/faults.yml). The whole run
# is at -vvvv with every task's arguments shown; then files/faults_report.py prints the figures and
# files/check_no_secrets.py checks that no simulator's credential appears in the playbook's output or
# in Ansible's log.

# Every lane outlives the slowest run of its cases.
SIM_LIFETIME=${SIM_LIFETIME:-600}
# shellcheck source=simulator.sh
source "$(dirname "${BASH_SOURCE[0]}")/simulator.sh"

faults_run() {
    local target=$PWD sim_args=() markers=() rc=0
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        sim_args+=("$1")
        shift
    done
    if [ $# -gt 0 ]; then
        shift
    fi
    sim_start "${sim_args[@]}"
    sim_lanes "${FAULTS_LANES:-3}"
    LOGS=$(sim_logs "$(basename "$target")")
    # Module runs over stdin on the implicit localhost: faster, and the same module code.
    export ANSIBLE_PIPELINING=true
    # Show each task's module arguments: the no_log options must be masked there too.
    export ANSIBLE_INJECT_INVOCATION=true
    export ANSIBLE_LOG_PATH="$LOGS/ansible.log"
    if [ -d "$target/library" ]; then
        export ANSIBLE_LIBRARY="$target/library"
    fi
    markers=(--markers "$SIM_SETUP_DIR/files/faults_markers.yml")
    if [ -f "$target/files/markers.yml" ]; then
        markers+=(--markers "$target/files/markers.yml")
    fi
    sim_playbook faults.log -i "$SIM_LANES_INVENTORY" -i "$INVENTORY_PATH" "$SIM_SETUP_DIR/faults.yml" \
        -e "faults_target=$target" -e "figures_file=$LOGS/figures.json" -e "faults_setup_dir=$SIM_SETUP_DIR" \
        -e "faults_logs=$LOGS" "$@"
    "$SIM_PYTHON" "$SIM_SETUP_DIR/files/faults_report.py" "$LOGS/figures.json" "$LOGS/faults.log" || rc=$?
    "$SIM_PYTHON" "$SIM_SETUP_DIR/files/check_no_secrets.py" "${SIM_STATE_FILES[@]/#/--state=}" "${markers[@]}" \
        "$LOGS/faults.log" "$LOGS/ansible.log" || rc=$?
    return "$rc"
}
