# shellcheck shell=bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The steps (sourced by hacking/ansible-test-env.sh): each runs `ansible-test STEP --venv` (or
# hacking/ecosystem.py) in the copy, logs to LOG_DIR/STEP$LOG_SUFFIX.log, and has hacking/summary.py
# count its checks into RESULTS. A step never stops the next one.

PIP_NOISE='^ *(Collecting|Downloading|Processing|Installing|Successfully installed|Looking in|Requirement already|Using cached|Obtaining|Building|Created wheel|Stored in|Attempting|Found existing|Uninstalling|Successfully uninstalled|Preparing|Getting requirements|Installing build|Installing backend)|^ *━|^WARNING: Location .* is ignored|^ *$'

STEP_ERRORS=()

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
        --label "ecosystem$STEP_LABEL_SUFFIX" ${ECOSYSTEM_ONLY:+--only $ECOSYSTEM_ONLY} 2>&1 | tee -a "$log" | grep --line-buffered -E '^    ' || true
    note "ecosystem took $(( $(now) - started ))s (log: $log)"
}

# CPU_NOW: CPU seconds (user + system) used so far by the children this shell waited for. A step's CPU
# time, unlike its wall time, does not depend on what else runs on the machine. (`times` must run in this
# shell, not in a $(...) subshell, which has no children of its own.)
cpu_now() {
    local file="$LOG_DIR/.times.$$"
    times >"$file"
    CPU_NOW=$(awk 'NR == 2 { total = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] } printf "%d", total }' "$file")
    rm -f "$file"
}

run_step() {
    local step="$1" log="$LOG_DIR/$1$LOG_SUFFIX.log" expected="$LOG_DIR/$1$LOG_SUFFIX.expected" started rc=0 status=0
    local extra=() cpu_started
    cpu_now
    cpu_started=$CPU_NOW
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
    cpu_now
    for error in "${STEP_ERRORS[@]}"; do
        errors+=(--error "$error")
    done
    "$VENV/bin/python" "$HACKING/summary.py" step "$step" --label "$step$STEP_LABEL_SUFFIX" --rc "$rc" --seconds "$(( $(now) - started ))" \
        --cpu "$(( CPU_NOW - cpu_started ))" \
        --junit-dir "$LOG_DIR/$step$LOG_SUFFIX-junit" --data-dir "$COLLECTION_DIR/tests/output/data" \
        --expected "$expected" --results "$RESULTS" "${errors[@]}" || status=$?
    if [ "$status" -ne 0 ]; then
        show_tail "$log"
    fi
}
