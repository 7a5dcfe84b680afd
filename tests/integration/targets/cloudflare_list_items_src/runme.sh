#!/usr/bin/env bash
# cloudflare_list_items with src (a feed file) through ansible-playbook against the simulator on
# 127.0.0.1: once with pipelining (the module over stdin, the feed copied to a temporary folder) and
# once without (module and feed copied there), each leaving no temporary folder behind; no credential
# may appear in what ansible prints.
set -eux

export SIM_LIFETIME=${SIM_LIFETIME:-300}
# shellcheck source=../setup_simulator/simulator.sh
source ../setup_simulator/simulator.sh
sim_start --op-duration 0.2
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
WORK=$(mktemp -d "${OUTPUT_DIR:-${TMPDIR:-/tmp}}/list_items_src.XXXXXX")
trap 'sim_stop; rm -rf "$WORK"' EXIT

# Feeds made here, outside the playbook's folder (read by absolute path): CRLF line ends, a byte order
# mark and a Latin-1 comment, which the repository's text files do not hold; and a vaulted feed.
printf '\357\273\277# Liste du jour, g\351n\351r\351e automatiquement\r\n192.0.2.1\r\n\r\n192.0.2.2 ; note \351\r\n2001:DB8::1\r\n' \
    >"$WORK/crlf_feed.txt"
printf '%s\n' 'vault-password-for-tests' >"$WORK/vault_password"
printf '# vaulted\n198.51.100.77\n198.51.100.78\n' >"$WORK/vaulted_feed.txt"
ansible-vault encrypt --vault-password-file "$WORK/vault_password" "$WORK/vaulted_feed.txt"
head -n 1 "$WORK/vaulted_feed.txt" | grep -qF 'ANSIBLE_VAULT;1.1;AES256'

run() {
    local log="$WORK/$1" started=$SECONDS
    shift
    ansible-playbook -vvvv -i localhost, -c local -e 'ansible_python_interpreter={{ ansible_playbook_python }}' \
        -e "sim_state_file=$SIM_STATE_FILE" -e "crlf_feed=$WORK/crlf_feed.txt" -e "vaulted_feed=$WORK/vaulted_feed.txt" \
        --vault-password-file "$WORK/vault_password" main.yml "$@" >"$log" 2>&1 || {
        grep -E "^(TASK|fatal|failed|ok|changed):? |assertion|msg|ERROR" "$log" | tail -n 60
        exit 1
    }
    echo "$log: $((SECONDS - started)) s"
}

for pipelining in true false; do
    mkdir -p "$WORK/remote_tmp_$pipelining"
    ANSIBLE_PIPELINING=$pipelining ANSIBLE_REMOTE_TMP="$WORK/remote_tmp_$pipelining" run "pipelining_$pipelining.log"
    # Every temporary folder (the feed's copy) was removed.
    leftover=$(find "$WORK/remote_tmp_$pipelining" -mindepth 1 | head -n 5)
    [ -z "$leftover" ] || { echo "temporary files left behind: $leftover"; exit 1; }
done

# No credential in what ansible printed at -vvvv.
for secret in $("$SIM_PYTHON" -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["api_token"], s["read_token"], s["api_key"])' "$SIM_STATE_FILE"); do
    if grep -qF -- "$secret" "$WORK"/pipelining_*.log; then
        echo "a credential appears in the output"
        exit 1
    fi
done
