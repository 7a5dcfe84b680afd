# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the -vvvv log of the item fault cases for credentials, then print the figures.

report.py FIGURES_JSON PLAYBOOK_LOG -- STATE_FILE...

Fails if a token, read token or global key of any simulator appears in the log, or if the log is
not the -vvvv run of every case (so that an empty log cannot pass), or if no warning told of a
write (append, delete or replace) whose outcome was unknown.
"""

import json
import re
import sys


def main(argv):
    split = argv.index("--")
    figures_file, log, state_files = argv[0], argv[1], argv[split + 1:]
    with open(figures_file, encoding="utf-8") as stream:
        figures = json.load(stream)
    secrets = {}
    for state_file in state_files:
        with open(state_file, encoding="utf-8") as stream:
            state = json.load(stream)
        for name in ("api_token", "read_token", "api_key"):
            secrets["%s of %s" % (name, state["url"])] = state[name]
    with open(log, encoding="utf-8", errors="replace") as stream:
        text = stream.read()
    problems = ["%s appears in %s" % (name, log) for name, value in secrets.items() if value and value in text]
    markers = ["EXEC /bin/sh -c", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"] + ["Run: " + f["name"] for f in figures]
    problems += ["the playbook log lacks %r: not the -vvvv run of every case" % marker for marker in markers if marker not in text]
    # A write whose outcome was unknown is told in a warning (Ansible shows each distinct text once):
    # one at least for each kind of write.
    # (Older ansible-core wraps a long warning over several lines.)
    unknown = re.findall(r"The outcome of a write \((append|delete|replace all items with) \d+ item\(s\)\) is unknown",
                         re.sub(r"\s+", " ", text))
    for action in ("append", "delete", "replace all items with"):
        if action not in unknown:
            problems.append("no warning that the outcome of a write (%s) is unknown" % action)
    print("%-62s %4s %7s %6s %-17s %5s  %s" % ("case", "lane", "seconds", "bound", "writes P/PUT/D", "reads", "outcome"))
    for figure in figures:
        writes = "%d/%d/%d" % (figure["writes"]["POST"], figure["writes"]["PUT"], figure["writes"]["DELETE"])
        outcome = re.sub(r"Bulk operation \w+", "Bulk operation <id>", figure["outcome"])
        print("%-62s %4s %7.2f %6.1f %-17s %5d  %s" % (
            figure["name"], figure["lane"][-1], figure["seconds"], figure["bound"], writes, figure["reads"], outcome[:120]))
    print("%d cases in %d lanes, %.1f s in the module tasks; %d unknown outcomes warned; %d credentials checked" % (
        len(figures), len(set(f["lane"] for f in figures)), sum(f["seconds"] for f in figures), len(unknown), len(secrets)))
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
