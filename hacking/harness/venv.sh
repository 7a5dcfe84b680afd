# shellcheck shell=bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Venvs (sourced by hacking/ansible-test-env.sh): the controller venv (ansible-core and the test
# requirements), the ecosystem tools venv, and the offline get-pip stand-in ansible-test needs.
#
# How a venv is installed (MODE):
#   locked    the default: `pip install --require-hashes --no-deps -r LOCK`, every package pinned with
#             hashes (hacking/lock/*.txt, written by `make lock`); the Python is the one the lock names.
#   unlocked  ANSIBLE_CORE is given: that requirement and the requirement files, newest matching releases.
#   latest    LATEST=1 (make test-latest): ansible-core (or ANSIBLE_CORE) and the top-level requirement
#             files, newest releases, built afresh for each run (RUN_ID), so drift is seen on purpose.

# Sets MODE and, for a locked venv, LOCK_PYTHON (the lock's "# python: X.Y" line).
choose_mode() {
    LOCK_PYTHON=""
    if [ "$LATEST" = 1 ]; then
        MODE=latest
        ANSIBLE_CORE=${ANSIBLE_CORE:-ansible-core}
    elif [ -n "$ANSIBLE_CORE" ]; then
        MODE=unlocked
    elif [ -n "$LOCK" ]; then
        MODE=locked
        [[ "$LOCK" == /* ]] || LOCK="$SRC_ROOT/$LOCK"
        [ -f "$LOCK" ] || die "lock file $LOCK is missing: run make lock"
        # shellcheck disable=SC2034  # read by choose_python (harness/python.sh)
        LOCK_PYTHON=$(lock_python "$LOCK")
    else
        MODE=unlocked
        ANSIBLE_CORE=ansible-core
    fi
}

lock_python() {
    local version
    version=$(sed -n 's/^# python: \([0-9.]*\)$/\1/p' "$1" | head -n 1)
    [ -n "$version" ] || die "$1 names no Python (# python: X.Y): run make lock"
    printf '%s' "$version"
}

# The lock is for one Python version: another one would install wheels resolved for the wrong one.
check_lock_python() {
    local lock="$1" want
    want=$(lock_python "$lock")
    [ "$want" = "$PY_VERSION" ] ||
        die "${lock#"$SRC_ROOT"/} is for Python $want, and the harness runs $BASE_PYTHON ($PY_VERSION): install python$want, or give ANSIBLE_CORE=... (or LATEST=1) to install without the lock"
}

requirement_files() {
    local file
    for file in hacking/requirements-harness.txt requirements.txt tests/unit/requirements.txt tests/integration/requirements.txt; do
        [ -f "$SRC_ROOT/$file" ] && printf '%s\n' "$file"
    done
}

# A short hash of what makes a venv: the interpreter, the mode, and the lock or the requirements.
venv_key() {
    local lock="$1" file
    shift
    {
        printf 'harness %s\npython %s\nmode %s\n' "$HARNESS_VERSION" "$BASE_PYTHON" "$MODE"
        "$BASE_PYTHON" -c 'import sys; print(sys.version)'
        if [ "$MODE" = locked ]; then
            cat "$lock"
        else
            printf '%s\n' "$@"
            for file in "$@"; do
                [ -f "$file" ] && cat "$file"
            done
        fi
        if [ "$MODE" = latest ]; then
            printf 'run %s\n' "$RUN_ID"
        fi
    } | sha256sum | cut -c1-12
}

# Build DIR/venv and pip install ARGS... into it, or reuse it if a build of it finished; one build
# at a time per DIR (a second lane of make test waits here for the first). LABEL names it in the
# output ("venv: PATH (reused)", which demo.sh reads).
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
        note "$label: $venv (building with $BASE_PYTHON, $MODE)"
        rm -rf "$venv"
        if ! { "$BASE_PYTHON" -m venv "$venv" &&
               if [ "$MODE" != locked ]; then
                   "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --upgrade pip
               fi &&
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

# pip arguments for a venv: the lock (hashes required), or the requirement and files.
install_args() {
    local lock="$1" file
    shift
    if [ "$MODE" = locked ]; then
        # --no-compile: Python writes the .pyc of what it imports when it first does, instead of pip
        # compiling all of ansible-core up front (most of a cold venv build's time on 2 cores).
        # ansible-test-env.sh unsets PYTHONDONTWRITEBYTECODE, which would stop Python writing them.
        printf '%s\n' --require-hashes --no-deps --no-compile -r "$lock"
    else
        for file in "$@"; do
            case "$file" in
                */*) printf '%s\n' -r "$file" ;;
                *) printf '%s\n' "$file" ;;
            esac
        done
    fi
}

ensure_venv() {
    local key file prefix=py inputs=() args=()
    [ "$MODE" = locked ] && check_lock_python "$LOCK"
    [ "$MODE" = latest ] && prefix=latest-py
    inputs=("$ANSIBLE_CORE")
    while read -r file; do
        inputs+=("$SRC_ROOT/$file")
    done < <(requirement_files)
    key=$(venv_key "$LOCK" "${inputs[@]}")
    ENV_DIR="$CACHE_DIR/venvs/$prefix$PY_VERSION-$key"
    VENV="$ENV_DIR/venv"
    PYBIN="$ENV_DIR/pybin"
    mapfile -t args < <(install_args "$LOCK" "${inputs[@]}")
    build_venv venv "$ENV_DIR" "${args[@]}" || return 1

    exec 8>"$ENV_DIR/.lock"
    flock 8
    link_interpreters "$PYBIN"
    flock -u 8

    # shellcheck disable=SC2034  # shown by prepare and run_step
    ANSIBLE_CORE_VERSION=$("$VENV/bin/python" -c 'from ansible.release import __version__; print(__version__)')
    # Drop venvs that were not used for 30 days, and make test-latest's of earlier days.
    {
        find "$CACHE_DIR/venvs" -mindepth 3 -maxdepth 3 -name .netedge-complete -mtime +30
        find "$CACHE_DIR/venvs" -mindepth 3 -maxdepth 3 -path '*/latest-*/venv/.netedge-complete' -mtime +0
    } 2>/dev/null | while read -r file; do rm -rf "$(dirname "$(dirname "$file")")"; done
    return 0
}

# The ecosystem tools (ansible-lint, galaxy-importer, antsibull-docs, ansible-builder, Sphinx) get a venv
# of their own: they pin their own ansible-core and would otherwise decide the version under test.
ensure_tools_venv() {
    local key dir args=() prefix=tools-py
    local lock="" inputs=("$HACKING/requirements-tools.txt")
    if [ "$MODE" = locked ]; then
        lock="$TOOLS_LOCK"
        [[ "$lock" == /* ]] || lock="$SRC_ROOT/$lock"
        [ -f "$lock" ] || die "lock file $lock is missing: run make lock"
        check_lock_python "$lock"
    fi
    [ "$MODE" = latest ] && prefix=latest-tools-py
    key=$(venv_key "$lock" "${inputs[@]}")
    dir="$CACHE_DIR/venvs/$prefix$PY_VERSION-$key"
    # shellcheck disable=SC2034  # used by run_ecosystem (harness/steps.sh)
    TOOLS="$dir/venv"
    mapfile -t args < <(install_args "$lock" "${inputs[@]}")
    build_venv "tools venv" "$dir" "${args[@]}"
}

# ansible-test bootstraps pip in each venv it makes from get-pip.py, fetched from a host that may not be
# reachable; it uses a cached copy at ~/.ansible/test/cache/get_pip_<X_Y>.py first, so a stand-in goes there.
ensure_get_pip() {
    local cache="$HOME/.ansible/test/cache" tag path tags
    mkdir -p "$cache"
    # The pip version ansible-test bootstraps, for every Python it supports.
    tags=$("$VENV/bin/python" - <<'PYTHON'
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
PYTHON
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
