#!/usr/bin/env bash
# cloudflare_list_bulk_operation_info ad hoc, as the README shows it: `ansible localhost -m ... -a ...`
# against the simulator on 127.0.0.1, with credentials as arguments or from CLOUDFLARE_* variables.
# Each run's `localhost | STATE => {...}` is parsed and its keys checked.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.5
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true

LOGS=$(sim_logs adhoc)
seed() { sim_admin POST /operations "$1" | "$SIM_PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
MODULE=netedge.cloudflare.cloudflare_list_bulk_operation_info
ACCOUNT_ID=$(sim_state account_id)
API_TOKEN=$(sim_state api_token)

# adhoc NAME ARGS...: run `ansible localhost -m MODULE ARGS...`, keep stdout in NAME.out and the exit code in RC.
adhoc() {
    local name=$1
    shift
    RC=0
    ansible localhost -m "$MODULE" "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err" || RC=$?
}
# check NAME EXPECTED_EXIT STATE CHECK...: see files/check_adhoc.py.
check() {
    local name=$1
    shift
    "$SIM_PYTHON" files/check_adhoc.py "$LOGS/$name.out" "$RC" "$@" || { cat "$LOGS/$name.err"; return 1; }
}

COMPLETED=$(seed '{"duration": 0}')
REJECTED=$(seed '{"duration": 0, "fail_with": "item 0: '"'"'10.0.0.300'"'"' is not a valid IP address or CIDR"}')

# Every option as a key=value argument, credentials included.
adhoc arguments -a "operation_id=$COMPLETED account_id=$ACCOUNT_ID base_url=$SIM_URL api_token=$API_TOKEN"
check arguments 0 SUCCESS changed=false bulk_operation.id="$COMPLETED" bulk_operation.status=completed \
    bulk_operation.completed? '!bulk_operation.error' '!elapsed' '!polls' '!msg'

# The README's one-liner: the credentials, account and base URL from the environment.
export CLOUDFLARE_API_TOKEN=$API_TOKEN CLOUDFLARE_ACCOUNT_ID=$ACCOUNT_ID CLOUDFLARE_BASE_URL=$SIM_URL
adhoc environment -a "operation_id=$COMPLETED"
check environment 0 SUCCESS changed=false bulk_operation.id="$COMPLETED" bulk_operation.status=completed

# A wait, with JSON arguments.
RUNNING=$(seed '{"duration": 1}')
adhoc wait -a '{"operation_id": "'"$RUNNING"'", "wait": true, "wait_timeout": 20}'
check wait 0 SUCCESS changed=false bulk_operation.id="$RUNNING" bulk_operation.status=completed elapsed? polls?

# A rejected change fails the run with Cloudflare's text.
adhoc rejected -a "operation_id=$REJECTED wait=true wait_timeout=20"
check rejected 2 FAILED! changed=false bulk_operation.status=failed \
    "msg=Bulk operation $REJECTED failed: item 0: '10.0.0.300' is not a valid IP address or CIDR" \
    "bulk_operation.error=item 0: '10.0.0.300' is not a valid IP address or CIDR" elapsed? polls?

# An operation Cloudflare does not know: the HTTP status and Cloudflare's errors come back too.
adhoc unknown -a "operation_id=ffffffffffffffffffffffffffffffff"
check unknown 2 FAILED! status=404 errors.0.code=7003 errors.1.code=7000 messages=[] \
    "msg^=Reading bulk operation ffffffffffffffffffffffffffffffff in account $ACCOUNT_ID: HTTP 404: " '!bulk_operation'
