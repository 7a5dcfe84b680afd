# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""netedge.cloudflare's benchmarks: the modules against what users write today, side by side, against the simulator.

    python benchmarks/bench.py [wait|sync|feed] [options]      (no scenario: wait)

One harness (benchmarks/harness/: processes, simulator, work folder, figures, reports) runs one scenario
(benchmarks/scenarios/). Every run is measured in a work folder with the collection at HEAD (``--worktree``:
the checkout as it is), against the simulator on 127.0.0.1. Results go to
benchmarks/results/<scenario>-latest.json and .md; ``--write-doc`` puts the tables into docs/performance.md.
Run it with ``make bench [BENCH=scenario]`` or ``bash benchmarks/run.sh``; docs/performance.md says what
each number means and how it is taken.
"""

import argparse
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import report  # noqa: E402  pylint: disable=wrong-import-position
from harness.stats import load_average, machine_info, now_utc, say  # noqa: E402  pylint: disable=wrong-import-position
from harness.workspace import Workspace  # noqa: E402  pylint: disable=wrong-import-position
from scenarios import feed, sync, wait  # noqa: E402  pylint: disable=wrong-import-position

SCENARIOS = {"wait": wait, "sync": sync, "feed": feed}


def parse_args(name, argv):
    scenario = SCENARIOS[name]
    parser = argparse.ArgumentParser(prog="bench.py %s" % name, description=scenario.__doc__.split("\n\n", 1)[0])
    parser.add_argument("--python", default=sys.executable, help="the venv's Python, with ansible-core and requests (default: this one)")
    parser.add_argument("--results", default=os.path.join(HERE, "results"), help="folder for %s-latest.json and .md" % name)
    parser.add_argument("--write-doc", action="store_true", help="put the tables into docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (the log of every run)")
    parser.add_argument("--worktree", action="store_true", help="measure the checkout as it is, not the commit at HEAD (git archive)")
    parser.add_argument("--render", metavar="JSON", help="measure nothing: print (with --write-doc, write) the tables of a results file")
    scenario.add_arguments(parser)
    return parser.parse_args(argv)


def shown_options(argv):
    """The options that shape the figures (not --python, --results, --keep, --write-doc), for the report."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--python", "--results"):
            skip = True
        elif not arg.startswith(("--python=", "--results=", "--keep", "--write-doc")):
            shown.append(arg)
    return " ".join(shown) or "(defaults)"


def measure(name, args, argv):
    scenario = SCENARIOS[name]
    # First, while this process is small: the launcher of every measured command (see harness/processes.py).
    ws = Workspace(args.python, keep=args.keep, worktree=args.worktree)
    machine = machine_info(ws.python)
    say("   %s cores (%s), Python %s, ansible-core %s, requests %s; collection: %s %s%s; work folder %s" % (
        machine["nproc"], machine["cpu_model"], machine["python"], machine["ansible_core"], machine["requests"],
        ws.source["kind"], ws.source["commit"], " (with changes)" if ws.source["dirty"] else "", ws.work))
    started = time.monotonic()
    meta = {"scenario": name, "started": now_utc(), "options": shown_options(argv), "machine": machine, "source": ws.source,
            "load_before": load_average()}

    def checkpoint(results):
        meta["seconds"] = time.monotonic() - started
        report.save_json(results, args.results, "%s-partial.json" % name)

    # A SIGTERM (kill, a CI timeout) ends the run through the finally below: the simulator stops.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    ok = False
    try:
        results = scenario.measure(args, ws, meta, checkpoint)
        ok = True
    finally:
        if not ok:
            ws.keep = True
            say("work folder kept: %s" % ws.work)
        ws.close()
    meta.update(seconds=time.monotonic() - started, load_after=load_average())
    return results


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    name = argv.pop(0) if argv and argv[0] in SCENARIOS else "wait"
    args = parse_args(name, argv)
    scenario = SCENARIOS[name]
    results = report.load(args.render) if args.render else measure(name, args, argv)
    text = scenario.render(results)
    if not args.render:
        report.save(results, text, args.results, name)
    if args.write_doc:
        report.write_doc(text, scenario.DOC_BLOCK)
    say("")
    say(text)
    failures = scenario.failures(results)
    for failure in failures:
        say("FAILED: " + failure)
    if args.keep and not args.render:
        say("work folder kept")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
