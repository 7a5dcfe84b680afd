#!/usr/bin/env bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Run ansible-test for this collection on a machine without Docker.
#
# Usage: hacking/ansible-test-env.sh STEP...
#   STEP is one of: venv sanity units integration clean
#   (the Makefile calls it: make test | sanity | units | integration | venv | clean)
#
# Settings (environment variables; the Makefile passes its variables of the same names):
#   PYTHON            interpreter for the controller venv: a name (python3.12) or a path.
#                     Default: python3.13, else python3.12, else python3.
#   ANSIBLE_CORE      pip requirement for ansible-core. Default: ansible-core (newest).
#   CACHE_DIR         venvs, the python3.X links and the working copy.
#                     Default: ${XDG_CACHE_HOME:-$HOME/.cache}/netedge-cloudflare
#   COPY_ROOT         where the physical ansible_collections/netedge/cloudflare copy lives.
#                     Default: $CACHE_DIR (one copy per COPY_ROOT; runs on it are serialised).
#   LOG_DIR           full logs. Default: tests/output/harness in the source tree.
#   SANITY_ARGS, UNITS_ARGS, INTEGRATION_ARGS
#                     extra ansible-test arguments (word-split).
#   STEP_TIMEOUT      seconds one ansible-test run may take before it is stopped (default 900, 0: no limit).
#
# What it does, in order:
#   1. finds real pythonX.Y interpreters (pyenv versions or PATH) and links them into one folder,
#      which goes first on PATH, with pyenv's shims dropped from PATH;
#   2. builds (or reuses) a venv keyed on the interpreter, ANSIBLE_CORE and the requirement files;
#   3. puts an offline get-pip stand-in at ~/.ansible/test/cache/get_pip_<X_Y>.py;
#   4. copies the tree (with .git, without tests/output) to COPY_ROOT/ansible_collections/netedge/cloudflare;
#   5. runs each step there with `ansible-test STEP --venv --python X.Y`, logs it, counts its checks
#      (hacking/summary.py) and goes on to the next step whatever happened;
#   6. prints the summary, whose last line is `N passed, M failed`, and exits 1 if anything failed.

set -euo pipefail

COLLECTION_NAMESPACE=netedge
COLLECTION_NAME=cloudflare
HARNESS_VERSION=1

SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
HACKING="$SRC_ROOT/hacking"

ANSIBLE_CORE=${ANSIBLE_CORE:-ansible-core}
CACHE_DIR=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netedge-cloudflare}
COPY_ROOT=${COPY_ROOT:-$CACHE_DIR}
LOG_DIR=${LOG_DIR:-$SRC_ROOT/tests/output/harness}
PYTHON=${PYTHON:-}
SANITY_ARGS=${SANITY_ARGS:-}
UNITS_ARGS=${UNITS_ARGS:-}
INTEGRATION_ARGS=${INTEGRATION_ARGS:-}
# For make test's second run on the oldest supported ansible-core: add to the results, label the steps,
# and leave the final count to the caller.
RESULTS_MODE=${RESULTS_MODE:-new}
STEP_LABEL_SUFFIX=${STEP_LABEL_SUFFIX:-}
PRINT_TOTAL=${PRINT_TOTAL:-1}
# Keeps the logs of the support-matrix run apart from the first run's (units-oldest.log, ...).
LOG_SUFFIX=${LOG_SUFFIX:-}
DOCS_DEST=${DOCS_DEST:-$SRC_ROOT/build/docs}
ECOSYSTEM_ONLY=${ECOSYSTEM_ONLY:-}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}

# Interpreter versions linked for ansible-test (controller and target ranges of ansible-core 2.17 .. 2.21).
PYTHON_VERSIONS="3.8 3.9 3.10 3.11 3.12 3.13 3.14"

PIP_NOISE='^ *(Collecting|Downloading|Processing|Installing|Successfully installed|Looking in|Requirement already|Using cached|Obtaining|Building|Created wheel|Stored in|Attempting|Found existing|Uninstalling|Successfully uninstalled|Preparing|Getting requirements|Installing build|Installing backend)|^ *━|^WARNING: Location .* is ignored|^ *$'

say() { printf '%s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

now() { date +%s; }

# ---------------------------------------------------------------------------
# Interpreters

# Folders that hold pyenv-installed interpreters: $PYENV_ROOT, `pyenv root`, ~/.pyenv,
# and the root of any pyenv shims folder on PATH.
pyenv_roots() {
    local entry parts roots=()
    [ -n "${PYENV_ROOT:-}" ] && roots+=("$PYENV_ROOT")
    if command -v pyenv >/dev/null 2>&1; then
        roots+=("$(pyenv root 2>/dev/null || true)")
    fi
    roots+=("$HOME/.pyenv")
    IFS=: read -r -a parts <<<"$PATH"
    for entry in "${parts[@]}"; do
        case "$entry" in
            */shims) roots+=("${entry%/shims}" "${entry%/plugins/*/shims}") ;;
        esac
    done
    for entry in "${roots[@]}"; do
        if [ -n "$entry" ] && [ -d "$entry/versions" ]; then
            printf '%s\n' "$entry"
        fi
    done | awk '!seen[$0]++'
}

# PATH without pyenv shims (they exit 127 for versions that are not selected).
clean_path() {
    local entry parts out=""
    IFS=: read -r -a parts <<<"$PATH"
    for entry in "${parts[@]}"; do
        case "$entry" in
            ""|*/shims) continue ;;
        esac
        out="${out:+$out:}$entry"
    done
    printf '%s' "$out"
}

# Print the real path of a working interpreter, given as path or command name; fail if there is none.
# A candidate counts only if it runs and has the venv module.
probe_python() {
    "$1" -c 'import os, sys, venv; print(os.path.realpath(sys.executable))' 2>/dev/null
}

find_python() {
    local want="$1" root candidate version
    if [[ "$want" == */* ]]; then
        probe_python "$want"
        return
    fi
    # pyenv versions first: Debian's own python3.X may lack venv support.
    if [[ "$want" =~ ^python([0-9]+\.[0-9]+)$ ]]; then
        version="${BASH_REMATCH[1]}"
        while read -r root; do
            while read -r candidate; do
                [ -x "$candidate" ] && probe_python "$candidate" && return
            done < <(printf '%s\n' "$root"/versions/"$version".*/bin/"$want" | sort -rV)
        done < <(pyenv_roots)
    fi
    candidate=$(PATH="$(clean_path)" command -v "$want" 2>/dev/null) && probe_python "$candidate" && return
    # Last resort: the name as it resolves now (e.g. a pyenv shim for the selected version).
    command -v "$want" >/dev/null 2>&1 && probe_python "$want"
}

choose_python() {
    local name
    if [ -n "$PYTHON" ]; then
        BASE_PYTHON=$(find_python "$PYTHON") || die "PYTHON=$PYTHON: no working interpreter with venv support found"
    else
        for name in python3.13 python3.12 python3; do
            BASE_PYTHON=$(find_python "$name") && break
        done
        [ -n "${BASE_PYTHON:-}" ] || die "no python3.13, python3.12 or python3 with venv support found"
    fi
    PY_VERSION=$("$BASE_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
}

# ---------------------------------------------------------------------------
# Controller venv

requirement_files() {
    local file
    for file in hacking/requirements-harness.txt requirements.txt tests/unit/requirements.txt tests/integration/requirements.txt; do
        [ -f "$SRC_ROOT/$file" ] && printf '%s\n' "$file"
    done
}

venv_key() {
    local file
    {
        printf 'harness %s\npython %s\n' "$HARNESS_VERSION" "$BASE_PYTHON"
        "$BASE_PYTHON" -c 'import sys; print(sys.version)'
        printf 'ansible-core %s\n' "$ANSIBLE_CORE"
        while read -r file; do
            printf '== %s\n' "$file"
            cat "$SRC_ROOT/$file"
        done < <(requirement_files)
    } | sha256sum | cut -c1-12
}

# Build DIR/venv and pip install ARGS... into it, or reuse it if a build of it finished; one build
# at a time per DIR. LABEL names it in the output ("venv: PATH (reused)", which demo.sh reads).
build_venv() {
    local label="$1" dir="$2" started
    local venv="$dir/venv"
    shift 2
    mkdir -p "$dir"
    exec 8>"$dir/.lock"
    flock 8
    if [ -f "$venv/.netedge-complete" ]; then
        touch "$venv/.netedge-complete"
        note "$label: $venv (reused)"
    else
        started=$(now)
        note "$label: $venv (building with $BASE_PYTHON)"
        rm -rf "$venv"
        if ! { "$BASE_PYTHON" -m venv "$venv" &&
               "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --upgrade pip &&
               "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "$@"
             } >"$dir/build.log" 2>&1; then
            tail -n 30 "$dir/build.log" | sed 's/^/    | /'
            flock -u 8
            return 1
        fi
        touch "$venv/.netedge-complete"
        note "$label built in $(( $(now) - started ))s (log: $dir/build.log)"
    fi
    flock -u 8
}

ensure_venv() {
    local key file args=()
    key=$(venv_key)
    ENV_DIR="$CACHE_DIR/venvs/py$PY_VERSION-$key"
    VENV="$ENV_DIR/venv"
    PYBIN="$ENV_DIR/pybin"
    while read -r file; do
        args+=(-r "$SRC_ROOT/$file")
    done < <(requirement_files)
    build_venv venv "$ENV_DIR" "$ANSIBLE_CORE" "${args[@]}" || return 1

    exec 8>"$ENV_DIR/.lock"
    flock 8
    # Links to the real interpreters, first on PATH for ansible-test.
    mkdir -p "$PYBIN"
    local version real
    for version in $PYTHON_VERSIONS; do
        if [ "$version" = "$PY_VERSION" ]; then
            real="$BASE_PYTHON"
        else
            real=$(find_python "python$version") || real=""
        fi
        if [ -n "$real" ]; then
            ln -sfn "$real" "$PYBIN/python$version"
        else
            rm -f "$PYBIN/python$version"
        fi
    done
    flock -u 8

    ANSIBLE_CORE_VERSION=$("$VENV/bin/python" -c 'from ansible.release import __version__; print(__version__)')
    # Drop venvs that were not used for 30 days.
    find "$CACHE_DIR/venvs" -mindepth 3 -maxdepth 3 -name .netedge-complete -mtime +30 2>/dev/null |
        while read -r file; do rm -rf "$(dirname "$(dirname "$file")")"; done
    return 0
}

# ---------------------------------------------------------------------------
# get-pip stand-in

ensure_get_pip() {
    local cache="$HOME/.ansible/test/cache" tag path
    mkdir -p "$cache"
    # The pip version ansible-test bootstraps, for every Python it supports.
    local tags
    tags=$("$VENV/bin/python" - <<'EOF'
import re
import types
tags = set()
try:
    from ansible_test._internal import python_requirements as pr
    from ansible_test._internal.constants import SUPPORTED_PYTHON_VERSIONS
    for version in SUPPORTED_PYTHON_VERSIONS:
        pip_version = pr.get_venv_packages(types.SimpleNamespace(version=version)).get('pip')
        if pip_version:
            tags.add(pip_version)
except Exception:
    # Fall back to the pip versions written in the source.
    import importlib.util
    spec = importlib.util.find_spec('ansible_test')
    path = spec.submodule_search_locations[0] + '/_internal/python_requirements.py'
    with open(path, encoding='utf-8') as handle:
        tags.update(re.findall(r"pip=['\"]([0-9][0-9.]*)['\"]", handle.read()))
print(' '.join(sorted(tag.replace('.', '_') for tag in tags)))
EOF
    )
    [ -n "$tags" ] || die "could not tell which pip version ansible-test bootstraps"
    for tag in $tags; do
        path="$cache/get_pip_$tag.py"
        # Keep a real get-pip.py if someone put one there; refresh our own stand-in.
        if [ ! -e "$path" ] || grep -q 'netedge-cloudflare get-pip stand-in' "$path"; then
            if ! cmp -s "$HACKING/get_pip_standin.py" "$path"; then
                cp "$HACKING/get_pip_standin.py" "$path.tmp.$$" && mv "$path.tmp.$$" "$path"
            fi
        fi
    done
}

# ---------------------------------------------------------------------------
# Physical copy at .../ansible_collections/netedge/cloudflare

ensure_copy() {
    local suffix="/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
    if [[ "$SRC_ROOT" == *"$suffix" ]]; then
        COLLECTION_DIR="$SRC_ROOT"
        return
    fi
    mkdir -p "$COPY_ROOT"
    COPY_ROOT=$(cd "$COPY_ROOT" && pwd -P)
    case "$COPY_ROOT/" in
        "$SRC_ROOT/"*) die "COPY_ROOT ($COPY_ROOT) must be outside the source tree" ;;
    esac
    COLLECTION_DIR="$COPY_ROOT$suffix"
    mkdir -p "$COLLECTION_DIR/tests"
    # Start from nothing but tests/output, so files deleted in the source vanish here too.
    find "$COLLECTION_DIR" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
    find "$COLLECTION_DIR/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
    tar -C "$SRC_ROOT" --exclude=./tests/output --exclude=./.ansible -cf - . |
        tar -C "$COLLECTION_DIR" --no-same-owner -xf -
}

# The ecosystem tools (ansible-lint, galaxy-importer, antsibull-docs, ansible-builder, Sphinx) get a venv
# of their own: they pin their own ansible-core and would otherwise decide the version under test.
ensure_tools_venv() {
    local key dir
    key=$( { printf '%s\n' "$BASE_PYTHON" "$HARNESS_VERSION"; cat "$HACKING/requirements-tools.txt"; } | sha256sum | cut -c1-12)
    dir="$CACHE_DIR/venvs/tools-py$PY_VERSION-$key"
    TOOLS="$dir/venv"
    build_venv "tools venv" "$dir" -r "$HACKING/requirements-tools.txt"
}

# ---------------------------------------------------------------------------
# Steps

RESULTS=""

# Run a command with the harness environment in the collection copy, output to a log file.
in_copy() {
    (
        cd "$COLLECTION_DIR"
        PATH="$PYBIN:$VENV/bin:$(clean_path)"
        export PATH
        unset VIRTUAL_ENV PYTHONPATH PYTHONHOME
        "$@"
    ) </dev/null
}

# ansible-test refuses to run integration tests when no target holds a file (git tracks no empty folder).
has_integration_targets() {
    local targets="$COLLECTION_DIR/tests/integration/targets"
    [ -d "$targets" ] && [ -n "$(find "$targets" -mindepth 2 -type f -print -quit)" ]
}

# The end of a log without pip's chatter, which would otherwise fill it.
show_tail() {
    say "    --- last 40 lines of $1 (pip output left out) ---"
    grep -v -E "$PIP_NOISE" "$1" | tail -n 40 | sed 's/^/    | /' || true
}

ansible_test() {
    local status=0
    # timeout signals its whole process group, so nothing the step started is left behind.
    in_copy timeout --kill-after=30 "$STEP_TIMEOUT" \
        "$VENV/bin/ansible-test" "$@" --venv --python "$PY_VERSION" --color no || status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        printf 'HARNESS: ansible-test %s stopped after STEP_TIMEOUT=%ss\n' "$1" "$STEP_TIMEOUT"
        STEP_ERRORS+=("ansible-test $1 stopped after STEP_TIMEOUT=${STEP_TIMEOUT}s")
    fi
    return "$status"
}

# ansible-test units runs the modules, module_utils and controller unit tests as separate pytest
# runs and stops at the first that fails, so each group gets its own run here: a failure in one
# must not hide the results of the others. The JUnit files go to $LOG_DIR/units$LOG_SUFFIX-junit.
STEP_ERRORS=()

run_units_group() {
    local name="$1" junit="$COLLECTION_DIR/tests/output/junit" file status=0
    shift
    rm -rf "$junit"
    note "unit tests: $name"
    ansible_test units "$@" >>"$log" 2>&1 || status=$?
    mkdir -p "$LOG_DIR/units$LOG_SUFFIX-junit"
    if [ -n "$(find "$junit" -name '*.xml' -print -quit 2>/dev/null)" ]; then
        for file in "$junit"/*.xml; do
            mv "$file" "$LOG_DIR/units$LOG_SUFFIX-junit/$name-${file##*/}"
        done
    elif [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && [ "$status" -ne 137 ]; then
        STEP_ERRORS+=("$name: ansible-test exited $status without writing results")
    fi
    if [ "$status" -ne 0 ]; then
        rc=$status
    fi
}

run_units_groups() {
    local unit="tests/unit" group excludes=() ran=0
    for group in plugins/modules plugins/module_utils; do
        if [ -n "$(find "$COLLECTION_DIR/$unit/$group" -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
            run_units_group "${group##*/}" "$unit/$group/"
            excludes+=(--exclude "$unit/$group/")
            ran=1
        fi
    done
    # Everything else (controller context), if there is anything else.
    if [ -n "$(find "$COLLECTION_DIR/$unit" -name 'test_*.py' \
                  ! -path "*/$unit/plugins/modules/*" ! -path "*/$unit/plugins/module_utils/*" -print -quit 2>/dev/null)" ]; then
        run_units_group other "${excludes[@]}"
        ran=1
    fi
    if [ "$ran" = 0 ]; then
        note "no unit tests (tests/unit/**/test_*.py): nothing to run"
        printf 'No unit tests: no tests/unit/**/test_*.py.\n' >>"$log"
    fi
}

# Build, install, galaxy-importer, ansible-lint, docs, changelog and EE checks (hacking/ecosystem.py),
# with the tools venv first on PATH and the copy as the collection. It records its own result line.
run_ecosystem() {
    local log="$1" started
    started=$(now)
    if ! ensure_tools_venv >>"$log" 2>&1; then
        "$VENV/bin/python" "$HACKING/summary.py" fail ecosystem --label "ecosystem$STEP_LABEL_SUFFIX" \
            --error "the tools venv could not be built" --results "$RESULTS" || true
        show_tail "$log"
        return
    fi
    in_copy env PATH="$TOOLS/bin:$(clean_path)" ANSIBLE_COLLECTIONS_PATH="$COPY_ROOT" \
        timeout --kill-after=30 "$STEP_TIMEOUT" "$TOOLS/bin/python" hacking/ecosystem.py \
        --work "$CACHE_DIR/ecosystem" --docs-dest "$DOCS_DEST" --results "$RESULTS" \
        --label "ecosystem$STEP_LABEL_SUFFIX" ${ECOSYSTEM_ONLY:+--only $ECOSYSTEM_ONLY} 2>&1 | tee -a "$log" | grep -E '^    ' || true
    note "ecosystem took $(( $(now) - started ))s (log: $log)"
}

run_step() {
    local step="$1" log="$LOG_DIR/$1$LOG_SUFFIX.log" expected="$LOG_DIR/$1$LOG_SUFFIX.expected" started rc=0 status=0
    local extra=()
    say "==> $step (ansible-core $ANSIBLE_CORE_VERSION, Python $PY_VERSION)"
    note "log: $log"
    started=$(now)
    rm -rf "$COLLECTION_DIR/tests/output/junit" "$COLLECTION_DIR/tests/output/data" "$LOG_DIR/$step$LOG_SUFFIX-junit"
    : >"$expected"
    : >"$log"
    STEP_ERRORS=()

    case "$step" in
        sanity)
            read -r -a extra <<<"$SANITY_ARGS"
            { ansible_test sanity --list-tests "${extra[@]}" >"$expected" 2>>"$log" &&
              ansible_test sanity --junit "${extra[@]}" >>"$log" 2>&1; } || rc=$?
            ;;
        units)
            read -r -a extra <<<"$UNITS_ARGS"
            if [ "${#extra[@]}" -gt 0 ]; then
                run_units_group all "${extra[@]}"
            else
                run_units_groups
            fi
            ;;
        integration)
            read -r -a extra <<<"$INTEGRATION_ARGS"
            if ! has_integration_targets; then
                note "no integration targets under tests/integration/targets: nothing to run"
                printf 'No integration targets: no file under tests/integration/targets/*/.\n' >>"$log"
            else
                { ansible_test integration --list-targets "${extra[@]}" >"$expected" 2>>"$log" &&
                  ansible_test integration --continue-on-error "${extra[@]}" >>"$log" 2>&1; } || rc=$?
            fi
            ;;
        ecosystem)
            run_ecosystem "$log"
            return
            ;;
    esac
    # The lists hold only test or target names; drop any other line (a warning, say).
    grep -E '^[A-Za-z0-9_.-]+$' "$expected" >"$expected.tmp" || true
    mv "$expected.tmp" "$expected"

    if [ -d "$COLLECTION_DIR/tests/output/junit" ]; then
        mkdir -p "$LOG_DIR/$step$LOG_SUFFIX-junit"
        cp -r "$COLLECTION_DIR/tests/output/junit/." "$LOG_DIR/$step$LOG_SUFFIX-junit/"
    fi
    local errors=() error
    for error in "${STEP_ERRORS[@]}"; do
        errors+=(--error "$error")
    done
    "$VENV/bin/python" "$HACKING/summary.py" step "$step" --label "$step$STEP_LABEL_SUFFIX" --rc "$rc" --seconds "$(( $(now) - started ))" \
        --junit-dir "$LOG_DIR/$step$LOG_SUFFIX-junit" --data-dir "$COLLECTION_DIR/tests/output/data" \
        --expected "$expected" --results "$RESULTS" "${errors[@]}" || status=$?
    if [ "$status" -ne 0 ]; then
        show_tail "$log"
    fi
}

prepare() {
    say "==> environment"
    choose_python
    note "python: $BASE_PYTHON ($PY_VERSION)"
    ensure_venv
    note "ansible-core: $ANSIBLE_CORE_VERSION"
    ensure_get_pip
    ensure_copy
    note "collection: $COLLECTION_DIR"
}

# If preparing the environment fails, still end with a summary that counts each step as failed.
PREPARED=0
STEPS=()
on_exit() {
    local status=$? step
    if [ "$PREPARED" = 0 ] && [ -n "$RESULTS" ] && [ "$status" -ne 0 ]; then
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

cmd_clean() {
    say "==> clean"
    note "removing $CACHE_DIR"
    rm -rf "$CACHE_DIR"
    if [ "$COPY_ROOT" != "$CACHE_DIR" ]; then
        note "removing $COPY_ROOT/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
        rm -rf "$COPY_ROOT/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
    fi
    note "removing $LOG_DIR"
    rm -rf "$LOG_DIR"
}

main() {
    [ "$#" -gt 0 ] || die "usage: $0 venv|sanity|units|integration|clean..."
    local step rc=0
    for step in "$@"; do
        case "$step" in
            clean) cmd_clean; return 0 ;;
            venv|sanity|units|integration|ecosystem) STEPS+=("$step") ;;
            *) die "unknown step: $step" ;;
        esac
    done

    mkdir -p "$CACHE_DIR" "$LOG_DIR" "$COPY_ROOT"

    # One run at a time per working copy (another run with the same COPY_ROOT waits here).
    exec 9>"$COPY_ROOT/.netedge-cloudflare.lock"
    if ! flock -n 9; then
        say "==> waiting for another run using $COPY_ROOT"
        flock 9
    fi

    RESULTS="$LOG_DIR/results.jsonl"
    # RESULTS_MODE=append adds to the results of an earlier run (the support-matrix run of make test).
    [ "$RESULTS_MODE" = append ] || : >"$RESULTS"
    trap on_exit EXIT
    prepare
    PREPARED=1

    if [ "${STEPS[*]}" = venv ]; then
        note "venv python: $VENV/bin/python"
        note "activate with: . $VENV/bin/activate"
        return 0
    fi

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
