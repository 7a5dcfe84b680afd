# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the -vvvv logs of the fault cases for credentials, then print the figures.

report.py FIGURES_JSON PLAYBOOK_LOG [LOG...] -- STATE_FILE...

Fails if a token, read token or global key of any simulator appears in any log, or if the
playbook log is not the -vvvv run of every case (so that an empty log cannot pass).
"""

import json
import re
import sys


def main(argv):
    split = argv.index("--")
    figures_file, logs, state_files = argv[0], argv[1:split], argv[split + 1:]
    with open(figures_file, encoding="utf-8") as stream:
        figures = json.load(stream)
    secrets = {}
    for state_file in state_files:
        with open(state_file, encoding="utf-8") as stream:
            state = json.load(stream)
        for name in ("api_token", "read_token", "api_key"):
            secrets["%s of %s" % (name, state["url"])] = state[name]
    problems = []
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
        for name, value in secrets.items():
            if value and value in text:
                problems.append("%s appears in %s" % (name, path))
    with open(logs[0], encoding="utf-8", errors="replace") as stream:
        text = stream.read()
    for marker in ["EXEC /bin/sh -c", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"] + ["Run: " + f["name"] for f in figures]:
        if marker not in text:
            problems.append("the playbook log lacks %r: not the -vvvv run of every case" % marker)
    print("%-58s %5s %8s %8s %5s %5s  %s" % ("case", "lane", "seconds", "bound", "reqs", "polls", "outcome"))
    for figure in figures:
        polls = figure["polls"] if figure["polls"] is not None else "-"
        # The message without the ids every failure starts with.
        outcome = re.sub(r"^failed: Reading bulk operation \w+ in account \w+: ", "failed: ", figure["outcome"])
        outcome = re.sub(r"^failed: Bulk operation \w+ failed", "failed: Bulk operation <id> failed", outcome)
        print("%-58s %5s %8.2f %8.0f %5d %5s  %s" % (
            figure["name"], figure["lane"][-1], figure["seconds"], figure["bound"], figure["requests"], polls, outcome[:160]))
    print("%d cases in %d lanes, %.1f s in the module tasks; %d logs checked for %d credentials" % (
        len(figures), len(set(f["lane"] for f in figures)), sum(f["seconds"] for f in figures), len(logs), len(secrets)))
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
