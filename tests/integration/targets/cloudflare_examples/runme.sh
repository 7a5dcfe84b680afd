#!/usr/bin/env bash
# Every documented example, run as pasted: each module's EXAMPLES, every YAML block of README.md and
# of the docs site (docs/docsite/rst), and playbooks/*.yml, each through ansible-playbook against the
# simulator, with credentials from CLOUDFLARE_* in the environment (files/run_examples.py says what
# each example may rely on). A broken example fails this target and is named by file, line and heading.
# A block that is not meant to run carries an `example: skip REASON` marker and is reported as skipped.
set -eux

# The simulator outlives the slowest run of every example.
export SIM_LIFETIME=${SIM_LIFETIME:-600}
# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
SIM_ARGS=(--op-duration 0.2)
sim_start "${SIM_ARGS[@]}"
# Module runs over stdin on the implicit localhost: faster, and the same module code.
export ANSIBLE_PIPELINING=true
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

# README.md and docs/ are not under tests/integration, which is all that ansible-test copies: read
# them from the collection Ansible loads, whose simulator simulator.sh found.
COLLECTION=${SIM_SCRIPT%/tests/simulator/cloudflare_sim.py}
WORK=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/examples.XXXXXX")

# Two simulators, two examples at a time (EXAMPLES_JOBS); EXAMPLES_ONLY=TEXT runs the examples whose label has TEXT.
"$SIM_PYTHON" files/run_examples.py --collection "$COLLECTION" --sim-state "$SIM_STATE_FILE" \
    --sim-script "$SIM_SCRIPT" "${SIM_ARGS[@]/#/--sim-arg=}" --work "$WORK" \
    --jobs "${EXAMPLES_JOBS:-2}" ${EXAMPLES_ONLY:+--only "$EXAMPLES_ONLY"}
