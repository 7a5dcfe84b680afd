#!/usr/bin/env bash
# Run cloudflare_list_bulk_operation_info, cloudflare_list and cloudflare_list_info at -vvvv on their
# success and failure paths, with credentials from options, module_defaults, exported CLOUDFLARE_*
# variables and ad hoc arguments, and check that no token or key (right or wrong) appears anywhere in
# what ansible prints.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5 \
    --token nolog-edit-token-a61f09:edit --token nolog-read-token-2be7d4:read \
    --email nolog@example.com --api-key nolog-global-key-c83a15

# Show each task's module arguments (ansible-core 2.21 leaves them out unless asked; older versions
# show them at -vvv): the no_log options must be masked there too.
export ANSIBLE_INJECT_INVOCATION=true
LOGS=$(sim_logs no_log)
wrong() { "$SIM_PYTHON" -c 'import sys, yaml; print(yaml.safe_load(open("vars/wrong_secrets.yml"))[sys.argv[1]])' "$1"; }

# 1. Options and module_defaults: successes, and failures that are rescued (exit 0).
sim_playbook options.log -i "$INVENTORY_PATH" options.yml -e "sim_state_file=$SIM_STATE_FILE"

# 2. Exported CLOUDFLARE_* variables: a success, then a wait that fails the play (exit 2).
OPERATION_ID=$(sim_admin POST /operations '{"duration": 0, "fail_with": "item 0: not a valid IP address"}' |
    "$SIM_PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["id"])')
set +x  # keep the credentials out of this script's own trace
CLOUDFLARE_API_TOKEN=$(sim_state api_token)
CLOUDFLARE_ACCOUNT_ID=$(sim_state account_id)
API_EMAIL=$(sim_state api_email)
WRONG_KEY=$(wrong wrong_key)
set -x
CLOUDFLARE_BASE_URL=$SIM_URL
export CLOUDFLARE_API_TOKEN CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_BASE_URL
rc=0
ansible-playbook -vvvv -i "$INVENTORY_PATH" environment.yml -e "sim_state_file=$SIM_STATE_FILE" \
    -e "failing_operation_id=$OPERATION_ID" >"$LOGS/environment.log" 2>&1 || rc=$?
if [ "$rc" != 2 ]; then
    tail -n 60 "$LOGS/environment.log"
    echo "expected the play to fail on the rejected change (exit 2), got exit $rc"
    exit 1
fi
unset CLOUDFLARE_API_TOKEN CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_BASE_URL

# 3. Ad hoc, with the credentials as module arguments: a failure (exit 2).
ADHOC_ARGS="operation_id=$OPERATION_ID account_id=$(sim_state account_id) base_url=$SIM_URL"
set +x
rc=0
ansible localhost -vvvv -m netedge.cloudflare.cloudflare_list_bulk_operation_info \
    -a "$ADHOC_ARGS api_email=$API_EMAIL api_key=$WRONG_KEY" >"$LOGS/adhoc-failed.log" 2>&1 || rc=$?
set -x
[ "$rc" = 2 ] || { tail -n 60 "$LOGS/adhoc-failed.log"; exit 1; }

# No token or key, right or wrong, in any log; each log shows what it should (files/markers.yml).
"$SIM_PYTHON" ../setup_simulator/files/check_no_secrets.py --state "$SIM_STATE_FILE" --secrets vars/wrong_secrets.yml \
    --markers files/markers.yml "$LOGS/options.log" "$LOGS/environment.log" "$LOGS/adhoc-failed.log"
