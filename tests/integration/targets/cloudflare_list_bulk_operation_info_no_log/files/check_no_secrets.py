# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail if a credential appears in what ansible printed.

check_no_secrets.py STATE_FILE WRONG_SECRETS_YML LOG...

The credentials are the simulator's tokens and global key (from its state file) and the wrong
ones the playbooks use. Each log must also show that it is the -vvvv run it should be, so that an
empty or truncated log cannot pass.
"""

import json
import os
import sys

import yaml

# What each log must contain: proof that the module ran, at -vvvv, on the paths it is meant to show.
MARKERS = {
    "options.log": [
        "<127.0.0.1> EXEC",
        "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
        "HTTP 403: Authentication error (10000)",
        "HTTP 403: Unknown X-Auth-Key or X-Auth-Email (9103)",
        "api_token contains spaces or characters that are not allowed in an HTTP header",
        "Both an API token and a global API key/email are set",
        "Timed out after 1 seconds",
        "Cloudflare answered with an HTML page instead of JSON",
        "could not connect to",
        "Cloudflare has no bulk operation with that id",
        "failed: item 1: '10.0.0.300' is not a valid IP address or CIDR",
        # cloudflare_list and cloudflare_list_info
        "\"num_referencing_filters\": 0",
        "+    \"name\": \"nolog_list\",",
        "+    \"description\": \"changed in check mode\",",
        "Creating list 'nolog_lost' in account",
        "the answer was lost",
        "'Account Filter Lists Edit'",
        "Reading list 'nolog_list' in account",
        "rescued=13",
    ],
    "environment.log": [
        "<127.0.0.1> EXEC",
        "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
        "\"status\": \"completed\"",
        "failed: item 0: not a valid IP address",
        "\"name\": \"nolog_environment\"",
        "failed=1",
    ],
    "adhoc-failed.log": ["<127.0.0.1> EXEC", "localhost | FAILED! => {", "(9103)", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"],
}


def secrets(state_file, wrong_file):
    """{description: value} for every credential that must never be printed."""
    with open(state_file, encoding="utf-8") as stream:
        state = json.load(stream)
    with open(wrong_file, encoding="utf-8") as stream:
        wrong = yaml.safe_load(stream)
    found = {name: state[name] for name in ("api_token", "read_token", "api_key")}
    found.update({name: wrong[name] for name in ("wrong_token", "wrong_key")})
    for number, line in enumerate(wrong["broken_token"].splitlines(), 1):
        found["broken_token line %d" % number] = line
    return found


def main(argv):
    """Check each log; print every problem and exit 1 if there is one."""
    state_file, wrong_file, logs = argv[0], argv[1], argv[2:]
    problems = []
    checked = secrets(state_file, wrong_file)
    for log in logs:
        with open(log, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
        name = os.path.basename(log)
        for marker in MARKERS[name]:
            if marker not in text:
                problems.append("%s: does not contain %r, so it does not show what it should" % (name, marker))
        for description, value in checked.items():
            for number, line in enumerate(text.splitlines(), 1):
                if value in line:
                    problems.append("%s:%d: the %s is printed" % (name, number, description))
        print("%s: %d lines, %d credentials checked" % (name, text.count("\n"), len(checked)))
    for problem in problems:
        print("ERROR: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
