#!/usr/bin/env bash
# cloudflare_list through ansible-playbook, against the simulator on 127.0.0.1: create, update, a second
# run that changes nothing, another kind, delete, check and diff mode, lost answers, module_defaults and
# bad options; a playbook run with --check --diff and then twice; and a list that rules still use.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true
LOGS=$(sim_logs cloudflare_list)

# 1. Every behaviour, asserted task by task.
sim_run main.yml "$@"

# 2. One playbook as a user runs it: --check --diff shows the change and writes nothing; then it
#    changes the list once, and a second run changes nothing.
writes() {
    sim_admin GET /counters | "$SIM_PYTHON" -c 'import json, sys
routes = json.load(sys.stdin)["routes"]
print(sum(n for key, n in routes.items() if key.split(" ")[0] in ("POST", "PUT", "DELETE")))'
}
ensure() {
    local log=$1
    shift
    sim_run ensure.yml "$@" >"$LOGS/$log" 2>&1 ||
        { cat "$LOGS/$log"; return 1; }
    cat "$LOGS/$log"
}
expect_in() {
    grep -qF -- "$2" "$LOGS/$1" || { echo "$1 does not show: $2"; exit 1; }
}
sim_admin POST /reset >/dev/null
ensure check.log --check --diff
expect_in check.log '+    "description": "Addresses blocked at the edge",'
expect_in check.log '+    "kind": "ip",'
expect_in check.log '+    "name": "edge_blocklist",'
expect_in check.log 'changed=1'
[ "$(writes)" = 0 ] || { echo "--check --diff sent a write"; exit 1; }
ensure first.log
expect_in first.log 'changed=1'
[ "$(writes)" = 1 ] || { echo "the first run did not make exactly one write"; exit 1; }
ensure second.log
expect_in second.log 'changed=0'
[ "$(writes)" = 1 ] || { echo "the second run wrote"; exit 1; }

# 3. A list that rules use, seeded through the admin API.
sim_admin POST /reset >/dev/null
sim_run referenced.yml "$@"
