# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the figures of a faults target's cases, and check that the playbook log ran every one.

faults_report.py FIGURES_JSON PLAYBOOK_LOG

FIGURES_JSON is what ../faults.yml writes: one figure a case, in the order of the cases, each with
``name``, ``lane``, ``seconds`` (the module's own), ``task_seconds`` (with what the controller adds around it),
``bound`` (the most the case may take), ``outcome`` and ``counts``
(what the target counted, such as requests or writes: one column each). Fails if there are no
figures, or if the playbook log lacks the task ``Run: NAME`` of a case (so that a log of another
run cannot pass). The log's credentials and markers are check_no_secrets.py's job.
"""

import json
import re
import sys

# Ids differ from run to run; the report shows where they stood.
ID = re.compile(r"\b[0-9a-f]{32}\b")


def rows(figures):
    """The table's lines: case, lane, seconds (the module's, then the task's), bound, each count, outcome."""
    names = []
    for figure in figures:
        names.extend(name for name in figure.get("counts", {}) if name not in names)
    header = "%-62s %4s %7s %6s %6s" % ("case", "lane", "seconds", "task", "bound") + "".join(" %9s" % name for name in names)
    lines = [header + "  outcome"]
    for figure in figures:
        counts = figure.get("counts", {})
        outcome = ID.sub("<id>", str(figure["outcome"]))
        times = (figure["seconds"], figure.get("task_seconds", figure["seconds"]), figure["bound"])
        lines.append("%-62s %4s %7.2f %6.2f %6.1f" % ((figure["name"][:62], figure["lane"][-1]) + times)
                     + "".join(" %9s" % ("-" if counts.get(name) is None else counts[name]) for name in names)
                     + "  " + outcome[:160])
    return lines


def main(argv):
    """Print the table; print every problem and exit 1 if there is one."""
    figures_file, playbook_log = argv
    with open(figures_file, encoding="utf-8") as stream:
        figures = json.load(stream)
    with open(playbook_log, encoding="utf-8", errors="replace") as stream:
        text = stream.read()
    problems = [] if figures else ["no figures: no case ran"]
    problems += ["%s lacks the task 'Run: %s': not the run of every case" % (playbook_log, figure["name"])
                 for figure in figures if "Run: " + figure["name"] not in text]
    for line in rows(figures):
        print(line)
    print("%d cases in %d lanes, %.1f s in the modules, %.1f s in their tasks" % (
        len(figures), len(set(f["lane"] for f in figures)), sum(f["seconds"] for f in figures),
        sum(f.get("task_seconds", f["seconds"]) for f in figures)))
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
