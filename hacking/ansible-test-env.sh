#!/usr/bin/env bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Run ansible-test for this collection on a machine without Docker: one ansible-core, one Python,
# one working copy. `make test` runs several of these side by side (hacking/matrix.py).
#
# Usage: hacking/ansible-test-env.sh STEP...
#   STEP is one of: venv sanity units integration ecosystem clean
#   (the Makefile calls it: make sanity | units | integration | ecosystem | venv | clean | docs)
#
# Settings (environment variables; the Makefile passes its variables of the same names):
#   LOCK              lock file of the controller venv (default hacking/lock/core-newest-py3.13.txt);
#                     TOOLS_LOCK the tools venv's (default hacking/lock/tools-py3.13.txt). See harness/venv.sh.
#   LATEST=1          ignore the locks: newest releases, venvs built afresh (make test-latest).
#   PYTHON            interpreter for the controller venv: a name (python3.12) or a path.
#                     Default: the lock's Python; unlocked: python3.13, else python3.12, else python3.
#   ANSIBLE_CORE      pip requirement for ansible-core; giving it installs without the lock.
#   CACHE_DIR         venvs, the python3.X links and the working copy.
#                     Default: ${XDG_CACHE_HOME:-$HOME/.cache}/netedge-cloudflare
#   COPY_ROOT         where the physical ansible_collections/netedge/cloudflare copy lives.
#                     Default: $CACHE_DIR (one copy per COPY_ROOT; runs on it are serialised).
#   LOG_DIR           full logs. Default: tests/output/harness in the source tree.
#   RESULTS           results file (JSON lines) the steps append to. Default: $LOG_DIR/results.jsonl
#   SANITY_ARGS, UNITS_ARGS, INTEGRATION_ARGS
#                     extra ansible-test arguments (word-split).
#   STEP_TIMEOUT      seconds one ansible-test run may take before it is stopped (default 1800, 0: no limit).
#
# What it does, in order (each part in hacking/harness/):
#   1. python.sh  finds real pythonX.Y interpreters and links them into one folder, first on PATH;
#   2. venv.sh    builds (or reuses) the venv from its lock, and puts an offline get-pip stand-in
#                 at ~/.ansible/test/cache/get_pip_<X_Y>.py;
#   3. copy.sh    copies the tree (with .git, without tests/output) to COPY_ROOT/ansible_collections/netedge/cloudflare;
#   4. steps.sh   runs each step there, logs it, counts its checks (hacking/summary.py) and goes on
#                 to the next step whatever happened;
#   5. prints the summary, whose last line is `N passed, M failed`, and exits 1 if anything failed.

set -euo pipefail

# The venvs are installed without .pyc files (harness/venv.sh), for Python to write those of what it imports the
# first time it does. PYTHONDONTWRITEBYTECODE=1 in the calling environment (some machines and images set it) stops
# that, and every process compiles all it imports again: an `ansible-playbook --syntax-check`, which ansible-lint
# runs for each playbook, took 1.3 CPU-s instead of 0.7, and the ecosystem step about 100 CPU-s more. The .pyc
# files are written only into the venvs and the copies under CACHE_DIR (ansible-test's own runs drop the variable).
unset PYTHONDONTWRITEBYTECODE

COLLECTION_NAMESPACE=netedge
COLLECTION_NAME=cloudflare
HARNESS_VERSION=2

SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
HACKING="$SRC_ROOT/hacking"

LOCK=${LOCK-hacking/lock/core-newest-py3.13.txt}
TOOLS_LOCK=${TOOLS_LOCK:-hacking/lock/tools-py3.13.txt}
LATEST=${LATEST:-0}
RUN_ID=${RUN_ID:-$(date +%s)}
ANSIBLE_CORE=${ANSIBLE_CORE:-}
CACHE_DIR=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netedge-cloudflare}
COPY_ROOT=${COPY_ROOT:-$CACHE_DIR}
LOG_DIR=${LOG_DIR:-$SRC_ROOT/tests/output/harness}
RESULTS=${RESULTS:-$LOG_DIR/results.jsonl}
PYTHON=${PYTHON:-}
SANITY_ARGS=${SANITY_ARGS:-}
UNITS_ARGS=${UNITS_ARGS:-}
INTEGRATION_ARGS=${INTEGRATION_ARGS:-}
# For make test's lanes (hacking/matrix.py): label the steps, keep the logs apart (units-oldest.log, ...),
# and leave the final count to the caller.
STEP_LABEL_SUFFIX=${STEP_LABEL_SUFFIX:-}
PRINT_TOTAL=${PRINT_TOTAL:-1}
LOG_SUFFIX=${LOG_SUFFIX:-}
DOCS_DEST=${DOCS_DEST:-$SRC_ROOT/build/docs}
ECOSYSTEM_ONLY=${ECOSYSTEM_ONLY:-}
STEP_TIMEOUT=${STEP_TIMEOUT:-1800}

say() { printf '%s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }
now() { date +%s; }

# shellcheck source=hacking/harness/python.sh
. "$HACKING/harness/python.sh"
# shellcheck source=hacking/harness/venv.sh
. "$HACKING/harness/venv.sh"
# shellcheck source=hacking/harness/copy.sh
. "$HACKING/harness/copy.sh"
# shellcheck source=hacking/harness/steps.sh
. "$HACKING/harness/steps.sh"

prepare() {
    local started
    started=$(now)
    say "==> environment"
    choose_mode
    choose_python
    note "python: $BASE_PYTHON ($PY_VERSION)"
    case "$MODE" in
        locked) note "lock: ${LOCK#"$SRC_ROOT"/}" ;;
        unlocked) note "no lock: ANSIBLE_CORE=$ANSIBLE_CORE and the requirement files, newest matching releases" ;;
        latest) note "no lock (LATEST=1): newest releases of $ANSIBLE_CORE and the requirement files" ;;
    esac
    ensure_venv
    note "ansible-core: $ANSIBLE_CORE_VERSION"
    ensure_get_pip
    ensure_copy
    note "collection: $COLLECTION_DIR"
    ENV_SECONDS=$(( $(now) - started ))
}

# If preparing the environment fails, still end with a summary that counts each step as failed.
PREPARED=0
STEPS=()
on_exit() {
    local status=$? step
    if [ "$PREPARED" = 0 ] && [ "${#STEPS[@]}" -gt 0 ] && [ "$status" -ne 0 ]; then
        say "ERROR: the environment could not be prepared (exit $status)"
        for step in "${STEPS[@]}"; do
            [ "$step" = venv ] && step=environment
            python3 "$HACKING/summary.py" fail "$step" --label "$step$STEP_LABEL_SUFFIX" \
                --error "environment could not be prepared" --results "$RESULTS" || true
        done
        [ "$PRINT_TOTAL" = 1 ] && python3 "$HACKING/summary.py" total --results "$RESULTS" || true
    fi
    exit "$status"
}

main() {
    [ "$#" -gt 0 ] || die "usage: $0 venv|sanity|units|integration|ecosystem|clean..."
    local step rc=0
    for step in "$@"; do
        case "$step" in
            clean) cmd_clean; return 0 ;;
            venv|sanity|units|integration|ecosystem) STEPS+=("$step") ;;
            *) die "unknown step: $step" ;;
        esac
    done

    mkdir -p "$CACHE_DIR" "$LOG_DIR" "$COPY_ROOT" "$(dirname "$RESULTS")"

    # One run at a time per working copy (another run with the same COPY_ROOT waits here).
    exec 9>"$COPY_ROOT/.netedge-cloudflare.lock"
    if ! flock -n 9; then
        say "==> waiting for another run using $COPY_ROOT"
        flock 9
    fi

    : >"$RESULTS"
    trap on_exit EXIT
    prepare
    PREPARED=1

    if [ "${STEPS[*]}" = venv ]; then
        note "venv python: $VENV/bin/python"
        note "activate with: . $VENV/bin/activate"
        return 0
    fi
    "$VENV/bin/python" "$HACKING/summary.py" time "${ENV_LABEL:-environment$STEP_LABEL_SUFFIX}" --seconds "$ENV_SECONDS" --results "$RESULTS"

    for step in "${STEPS[@]}"; do
        [ "$step" = venv ] && continue
        run_step "$step"
    done

    if [ "$PRINT_TOTAL" = 1 ]; then
        "$VENV/bin/python" "$HACKING/summary.py" total --results "$RESULTS" || rc=$?
    elif grep -q '"failed": \[[^]]' "$RESULTS" 2>/dev/null; then
        rc=1
    fi
    return "$rc"
}

main "$@"
