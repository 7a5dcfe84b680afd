#!/usr/bin/env bash
# Load: 50 module runs at once (50 forks, one local host each), each waiting for its own bulk
# operation, against the simulator with Cloudflare's rate limit on. Every run must end with its
# operation's real status, and all of them together within the 1,200 requests the token may
# spend in 5 minutes. Prints the wall time and the request count.
set -eux

# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --rate-limit 1200/300

HOSTS=50
# The first operation runs 20 s, each of the others 0.1 s after it: all 50 module runs start
# while their operations are still queued, and wait 20 to 25 s.
FIRST_DURATION=20
DURATION=0.1
WORK=$(sim_logs load)
"$SIM_PYTHON" files/seed.py "$SIM_STATE_FILE" "$HOSTS" "$FIRST_DURATION" "$DURATION" "$WORK/inventory" "$WORK/expected.json"

started=$(date +%s.%N)
ansible-playbook -i "$WORK/inventory" -f "$HOSTS" load.yml -e "sim_state_file=$SIM_STATE_FILE" \
    -e "@$WORK/expected.json" -e "figures_file=$WORK/figures.json" "$@"
ended=$(date +%s.%N)

"$SIM_PYTHON" - "$WORK/figures.json" "$started" "$ended" "$FIRST_DURATION" "$DURATION" <<'PY'
import json, sys
figures = json.load(open(sys.argv[1]))
started, ended, first, duration = (float(value) for value in sys.argv[2:6])
waits = sorted(figures["waits"])
print("load: %d hosts, %d forks; operations queued in one account (%g s, then %g s each)" % (
    figures["hosts"], figures["hosts"], first, duration))
print("load: module tasks from first start to last end: %.1f s; ansible-playbook wall time: %.1f s" % (
    figures["last_end"] - figures["first_start"], ended - started))
print("load: %d requests (%d polls, no retry) over %d connections; budget 1200 per 300 s" % (
    figures["requests"], figures["polls"], figures["connections"]))
print("load: waits %.1f s (shortest), %.1f s (median), %.1f s (longest); statuses %s" % (
    waits[0], waits[len(waits) // 2], waits[-1],
    ", ".join("%d %s" % (figures["statuses"].count(s), s) for s in sorted(set(figures["statuses"])))))
PY
