#!/usr/bin/env bash
# make bench: the collection's module against ansible.builtin.uri (+ until), side by side.
#
# Run by hand; it is not part of `make test`. It takes about 13 minutes with the defaults.
#
#   bash benchmarks/run.sh [bench.py options]     e.g. --runs 7, --waits 1,5,30, --write-doc
#
# The Python is the harness venv (hacking/ansible-test-env.sh venv, honouring PYTHON and ANSIBLE_CORE),
# or BENCH_PYTHON when set (any Python with ansible-core and requests).
# What is measured, and how: docs/performance.md.

set -euo pipefail

SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

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

"$python" "$SRC_ROOT/benchmarks/bench.py" "$@"
