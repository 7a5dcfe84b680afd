# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the -vvvv logs of the fault cases for credentials, then print the figures.

report.py STATE_FILE FIGURES_JSON PLAYBOOK_LOG [LOG...]

Fails if the simulator's token, read token or global key appears in any log, or if the
playbook log is not the -vvvv run of every case (so that an empty log cannot pass).
"""

import json
import sys


def main(argv):
    state_file, figures_file, playbook_log = argv[:3]
    logs = argv[2:]
    with open(state_file, encoding="utf-8") as stream:
        state = json.load(stream)
    with open(figures_file, encoding="utf-8") as stream:
        figures = json.load(stream)
    secrets = {name: state[name] for name in ("api_token", "read_token", "api_key")}
    problems = []
    for path in logs:
        with open(path, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
        for name, value in secrets.items():
            if value and value in text:
                problems.append("%s appears in %s" % (name, path))
    with open(playbook_log, encoding="utf-8", errors="replace") as stream:
        text = stream.read()
    for marker in ["EXEC /bin/sh -c", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"] + ["Run: " + f["name"] for f in figures]:
        if marker not in text:
            problems.append("the playbook log lacks %r: not the -vvvv run of every case" % marker)
    print("%-62s %8s %8s %5s %5s  %s" % ("case", "seconds", "bound", "reqs", "polls", "outcome"))
    for figure in figures:
        polls = figure["polls"] if figure["polls"] is not None else "-"
        print("%-62s %8.2f %8.0f %5d %5s  %s" % (
            figure["name"], figure["seconds"], figure["bound"], figure["requests"], polls, figure["outcome"][:110]))
    print("%d cases, %.1f s in the module tasks; %d logs checked for credentials" % (
        len(figures), sum(f["seconds"] for f in figures), len(logs)))
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
