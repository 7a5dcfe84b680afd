#!/usr/bin/env bash
# cloudflare_rule and cloudflare_rule_info through ansible-playbook against the simulator on 127.0.0.1.
# main.yml runs two lanes at once, each against its own simulator: lane 0 one rule created, updated,
# moved and deleted beside rules made elsewhere (which keep their ids, versions and order), a zone by
# name and by id, the account's Bulk Redirect rule, check and diff mode, refusals before any write and
# a list in use; lane 1 the same tasks twice (changed, then no write) under the simulator's ruleset
# settings. Then ensure.yml, one task as a user writes it: --check --diff, then twice for real.
set -eux

# The playbooks reset the simulator between groups of tests; it outlives the slowest run (about 7
# minutes on 2 busy cores), and the EXIT trap stops it as soon as the target ends.
export SIM_LIFETIME=${SIM_LIFETIME:-900}
# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
# Rules are written at once; only the lists seeded with items use bulk operations, so keep them short.
sim_start --op-duration 0.1
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true
# Lane 1's simulator, and the inventory of the two lanes.
sim_lanes 2
LOGS=$(sim_logs cloudflare_rule)

# ansible-playbook ARGS... with its output in $LOGS/LOG (at the normal verbosity, which costs the
# least), or an excerpt of it when it fails: playbook LOG ARGS...
playbook() {
    local log="$LOGS/$1" started=$SECONDS
    shift
    ansible-playbook "$@" >"$log" 2>&1 || {
        grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg|ERROR" "$log" | tail -n 80
        exit 1
    }
    echo "$log: $((SECONDS - started)) s"
}

# 1. Every behaviour, asserted task by task, in two lanes.
playbook main.log -i "$SIM_LANES_INVENTORY" main.yml "$@"

# 2. One task as a user runs it, beside rules made elsewhere: --check --diff shows the new rule and
#    writes nothing; the first run adds it with one write; the second changes nothing and writes nothing.
writes() {
    sim_admin GET /counters | "$SIM_PYTHON" -c 'import json, sys
routes = json.load(sys.stdin)["routes"]
print(sum(n for key, n in routes.items() if key.split(" ")[0] in ("POST", "PUT", "PATCH", "DELETE")))'
}
expect_in() {
    grep -qF -- "$2" "$LOGS/$1" || { echo "$1 does not show: $2"; exit 1; }
}
ZONE_ENTRYPOINT=/entrypoints/zones/$(sim_state zone_id)/http_request_firewall_custom
sim_admin POST /reset >/dev/null
sim_admin POST /lists '{"name": "blocked_ips", "kind": "ip", "items": [{"ip": "192.0.2.10"}]}' >/dev/null
sim_admin PUT "$ZONE_ENTRYPOINT" \
    '{"rules": [{"ref": "dashboard_admin_log", "action": "log", "expression": "http.request.uri.path eq \"/admin\""}]}' >/dev/null
sim_admin DELETE /counters >/dev/null
playbook check.log -i "$INVENTORY_PATH" ensure.yml -e "sim_state_file=$SIM_STATE_FILE" --check --diff "$@"
cat "$LOGS/check.log"
expect_in check.log "\"expression\": \"ip.src in \$blocked_ips\""
expect_in check.log '+    "position": 2,'
expect_in check.log 'changed=1'
[ "$(writes)" = 0 ] || { echo "--check --diff sent a write"; exit 1; }
playbook first.log -i "$INVENTORY_PATH" ensure.yml -e "sim_state_file=$SIM_STATE_FILE" "$@"
expect_in first.log 'changed=1'
[ "$(writes)" = 1 ] || { echo "the first run did not make exactly one write"; exit 1; }
playbook second.log -i "$INVENTORY_PATH" ensure.yml -e "sim_state_file=$SIM_STATE_FILE" "$@"
expect_in second.log 'changed=0'
[ "$(writes)" = 1 ] || { echo "the second run wrote"; exit 1; }
sim_admin GET "$ZONE_ENTRYPOINT" | "$SIM_PYTHON" -c '
import json, sys
refs = [rule["ref"] for rule in json.load(sys.stdin)["entrypoint"]["rules"]]
assert refs == ["dashboard_admin_log", "block_listed"], refs'
