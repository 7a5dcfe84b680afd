#!/usr/bin/env bash
# make bench: the collection's modules against what users write today, side by side.
#
# Run by hand; it is not part of `make test`. What is measured, and how: docs/performance.md.
#
#   bash benchmarks/run.sh all                      the wait scenario (about 13 min), then the sync one (about 70 min)
#   bash benchmarks/run.sh wait [options]           cloudflare_list_bulk_operation_info against uri + until
#   bash benchmarks/run.sh sync [options]           cloudflare_list_items (items from a lookup, or src) against
#                                                   replace-all and per-item uri
#   bash benchmarks/run.sh feed [options]           src against lookup(...).splitlines(), and the pacing (about 25 min)
#   bash benchmarks/run.sh [options]                the wait scenario, as before (e.g. --runs 7, --write-doc)
#
# One program runs them all: benchmarks/bench.py <scenario> (python benchmarks/bench.py sync --help).
# BENCH_ARGS and SYNC_BENCH_ARGS (word-split) go before any options given here, to the wait scenario and to
# the sync and feed scenarios respectively; `make bench BENCH=sync SYNC_BENCH_ARGS='--sizes 1000,10000 --runs 1'`.
# The Python is the harness venv (hacking/ansible-test-env.sh venv, honouring PYTHON and ANSIBLE_CORE),
# or BENCH_PYTHON when set (any Python with ansible-core and requests).

set -euo pipefail

SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

which="wait"
case "${1:-}" in
    wait | sync | feed | all) which=$1; shift ;;
esac
if [ "$which" = all ] && [ "$#" -gt 0 ]; then
    echo "ERROR: 'all' takes no options; give them in BENCH_ARGS (wait) and SYNC_BENCH_ARGS (sync)" >&2
    exit 2
fi

if [ -n "${BENCH_PYTHON:-}" ]; then
    python=$BENCH_PYTHON
else
    log_dir=$(mktemp -d)
    trap 'rm -rf "$log_dir"' EXIT
    if ! output=$(LOG_DIR="$log_dir" bash "$SRC_ROOT/hacking/ansible-test-env.sh" venv 2>&1); then
        printf '%s\n' "$output" >&2
        echo "ERROR: could not prepare the harness venv" >&2
        exit 2
    fi
    python=$(printf '%s\n' "$output" | sed -n 's/^ *venv python: //p')
    [ -n "$python" ] || { printf '%s\n' "$output" >&2; echo "ERROR: the harness did not name its venv python" >&2; exit 2; }
fi

read -r -a wait_args <<< "${BENCH_ARGS:-}"
read -r -a sync_args <<< "${SYNC_BENCH_ARGS:-}"
status=0
bench="$SRC_ROOT/benchmarks/bench.py"
if [ "$which" = wait ] || [ "$which" = all ]; then
    "$python" "$bench" wait --python "$python" ${wait_args[@]+"${wait_args[@]}"} "$@" || status=$?
fi
if [ "$which" = sync ] || [ "$which" = feed ] || [ "$which" = all ]; then
    scenario=$which
    [ "$which" = all ] && scenario=sync
    "$python" "$bench" "$scenario" --python "$python" ${sync_args[@]+"${sync_args[@]}"} "$@" || status=$?
fi
exit "$status"
