# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail if a credential appears in what ansible printed, or if a log does not show what it should.

check_no_secrets.py STATE_FILE... -- PLAYBOOK LOG...

The credentials are the simulators' tokens and global keys (from their state files) and the wrong
token the playbook gives one task (its play variable ``wrong_token``). Each log must also show
that it is the -vvvv run it should be, so that an empty or truncated log cannot pass.
(The same approach as the no_log target's files/check_no_secrets.py.)
"""

import json
import os
import sys

import yaml

# What each log must contain: proof that the module ran at -vvvv on the paths it is meant to show.
MARKERS = {
    "main.log": [
        "<lane0> EXEC",
        "<lane1> EXEC",
        "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
        "HTTP 403: Authentication error (10000)",
        "Invalid options: Invalid items (checked as a list of kind 'ip')",
        "The items do not fit list 'asns', whose kind is 'asn'",
        "This change would remove 39 item(s)",
        "every lenient variant at once",
        " failed=0 ",
    ],
    "diff.log": [
        "> EXEC /bin/sh -c",
        "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
        "~ 192.0.2.1  # new  (was: 192.0.2.1  # old)",
        " failed=0 ",
    ],
}


def secrets(state_files, playbook):
    """{description: value} for every credential that must never be printed."""
    found = {}
    for number, state_file in enumerate(state_files):
        with open(state_file, encoding="utf-8") as stream:
            state = json.load(stream)
        found.update(("%s of simulator %d" % (name, number), state[name]) for name in ("api_token", "read_token", "api_key"))
    with open(playbook, encoding="utf-8") as stream:
        plays = yaml.safe_load(stream)
    found["wrong token"] = plays[0]["vars"]["wrong_token"]
    return found


def main(argv):
    """Check each log; print every problem and exit 1 if there is one."""
    split = argv.index("--")
    state_files, playbook, logs = argv[:split], argv[split + 1], argv[split + 2:]
    problems = []
    checked = secrets(state_files, playbook)
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
