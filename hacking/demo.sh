#!/usr/bin/env bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# make demo: build (or reuse) the venv, start the Cloudflare Lists API simulator on 127.0.0.1,
# run playbooks/demo.yml against it, and stop the simulator whatever happened: nothing is left running.
# The playbook uses only this collection; against the real API it runs unchanged (see its header).
#
# Settings: OP_DURATION (seconds each bulk operation runs in the simulator, default 3),
# and the harness's PYTHON / ANSIBLE_CORE / CACHE_DIR (see hacking/ansible-test-env.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OP_DURATION=${OP_DURATION:-3}

echo "==> venv"
venv_out=$(bash "$ROOT/hacking/ansible-test-env.sh" venv)
VENV=$(sed -n 's/^ *venv: \([^ ]*\) (.*/\1/p' <<<"$venv_out" | head -n 1)
[ -x "$VENV/bin/ansible-playbook" ] || { echo "$venv_out"; echo "ERROR: no venv with ansible-playbook found" >&2; exit 2; }
echo "    $VENV"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/netedge-demo.XXXXXX")
SIM_PID=
cleanup() {
    if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        echo "==> simulator stopped"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The collection, importable as netedge.cloudflare from this checkout.
mkdir -p "$WORK/collections/ansible_collections/netedge"
ln -s "$ROOT" "$WORK/collections/ansible_collections/netedge/cloudflare"

echo "==> simulator"
"$VENV/bin/python" "$ROOT/tests/simulator/cloudflare_sim.py" --port 0 --lifetime 300 \
    --op-duration "$OP_DURATION" --state-file "$WORK/simulator.json" &
SIM_PID=$!
for _ in $(seq 100); do
    [ -s "$WORK/simulator.json" ] && break
    kill -0 "$SIM_PID" 2>/dev/null || { echo "ERROR: the simulator exited" >&2; exit 2; }
    sleep 0.1
done
[ -s "$WORK/simulator.json" ] || { echo "ERROR: the simulator did not start within 10 s" >&2; exit 2; }
read -r BASE_URL TOKEN ACCOUNT < <("$VENV/bin/python" -c '
import json, sys
state = json.load(open(sys.argv[1]))
print(state["url"], state["api_token"], state["account_id"])' "$WORK/simulator.json")
echo "    $BASE_URL (bulk operations take ${OP_DURATION}s)"

echo "==> ansible-playbook playbooks/demo.yml"
CLOUDFLARE_BASE_URL=$BASE_URL CLOUDFLARE_API_TOKEN=$TOKEN CLOUDFLARE_ACCOUNT_ID=$ACCOUNT \
ANSIBLE_COLLECTIONS_PATH="$WORK/collections" ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    "$VENV/bin/ansible-playbook" "$ROOT/playbooks/demo.yml"
