# shellcheck shell=bash
# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The working copy (sourced by hacking/ansible-test-env.sh): ansible-test needs the physical path
# .../ansible_collections/netedge/cloudflare (a symlink is refused), so the tree is copied, .git
# included, to COPY_ROOT; its tests/output is kept between runs (ansible-test's own venvs live there).

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
    tar -C "$SRC_ROOT" --exclude=./tests/output --exclude=./.ansible --exclude=./build -cf - . |
        tar -C "$COLLECTION_DIR" --no-same-owner -xf -
    # make test-latest: ansible-test's own units and integration venvs get the newest releases too.
    if [ "$MODE" = latest ]; then
        rm -f "$COLLECTION_DIR/tests/unit/constraints.txt" "$COLLECTION_DIR/tests/integration/constraints.txt"
    fi
}

# Run a command with the harness environment in the collection copy.
in_copy() {
    (
        cd "$COLLECTION_DIR" || exit 2
        PATH="$PYBIN:$VENV/bin:$(clean_path)"
        export PATH
        unset VIRTUAL_ENV PYTHONPATH PYTHONHOME
        "$@"
    ) </dev/null
}

cmd_clean() {
    local lane
    say "==> clean"
    note "removing $CACHE_DIR"
    rm -rf "$CACHE_DIR"
    if [ "$COPY_ROOT" != "$CACHE_DIR" ]; then
        note "removing $COPY_ROOT/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
        rm -rf "$COPY_ROOT/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
        # The copies of make test's other lanes (hacking/matrix.py).
        for lane in "$COPY_ROOT"/lane-*; do
            [ -d "$lane/ansible_collections" ] || continue
            note "removing $lane"
            rm -rf "$lane"
        done
    fi
    note "removing $LOG_DIR"
    rm -rf "$LOG_DIR"
}
