# shellcheck shell=bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Interpreters (sourced by hacking/ansible-test-env.sh): find real pythonX.Y binaries (pyenv versions
# or PATH) and link them into one folder that goes first on PATH, with pyenv's shims dropped from PATH:
# ansible-test looks for python3.X on PATH, and a shim of an unselected version exits 127.

# Interpreter versions linked for ansible-test (controller and target ranges of ansible-core 2.17 .. 2.21).
PYTHON_VERSIONS="3.8 3.9 3.10 3.11 3.12 3.13 3.14"

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

# Sets BASE_PYTHON and PY_VERSION from PYTHON; without PYTHON, from the lock's Python (LOCK_PYTHON),
# else python3.13, python3.12, python3.
choose_python() {
    local name candidates="python3.13 python3.12 python3"
    [ -n "${LOCK_PYTHON:-}" ] && candidates="python$LOCK_PYTHON"
    if [ -n "$PYTHON" ]; then
        BASE_PYTHON=$(find_python "$PYTHON") || die "PYTHON=$PYTHON: no working interpreter with venv support found"
    else
        for name in $candidates; do
            BASE_PYTHON=$(find_python "$name") && break
        done
        [ -n "${BASE_PYTHON:-}" ] || die "no $candidates with venv support found"
    fi
    PY_VERSION=$("$BASE_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
}

# Links to the real interpreters in DIR, for ansible-test (which finds them on PATH).
link_interpreters() {
    local dir="$1" version real
    mkdir -p "$dir"
    for version in $PYTHON_VERSIONS; do
        if [ "$version" = "$PY_VERSION" ]; then
            real="$BASE_PYTHON"
        else
            real=$(find_python "python$version") || real=""
        fi
        if [ -n "$real" ]; then
            ln -sfn "$real" "$dir/python$version"
        else
            rm -f "$dir/python$version"
        fi
    done
}
