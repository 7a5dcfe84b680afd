# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sync a list of N items with a feed file three ways, against one simulator with Cloudflare's budget.

1. ``sync``: netedge.cloudflare.cloudflare_list_items, ``state: exact``, the items from
   ``lookup('ansible.builtin.file', feed).splitlines()`` (playbooks/sync_module.yml);
2. ``replace_all``: one ansible.builtin.uri PUT of every item, then a wait with ``until``, as
   Terraform's list resource does (playbooks/sync_replace_all.yml);
3. ``per_item``: for each item a uri GET ``items?search=``, a POST when missing, a wait with
   ``until`` (playbooks/sync_per_item.yml), at the small sizes only; larger ones are extrapolated.

For N in ``--sizes`` and 0 % and 1 % of the items changed, each run starts from a fresh
simulator, seeds the list (not counted), runs ansible-playbook, then reads the simulator's
counters (requests, answers 429, writes) and the list, which must hold what the way promises.
Measured: wall time, module CPU and peak RSS (every module process through an interpreter shim),
controller CPU and peak RSS (ansible-playbook and its workers). Medians of ``--runs`` runs,
ratios against the baselines of the same run. Results go to benchmarks/results/sync-latest.json
and .md; ``--write-doc`` puts the tables into docs/performance.md between ``bench-sync`` markers.
Run it with ``make bench BENCH=sync`` or ``bash benchmarks/run.sh sync [options]``.
"""

import argparse
import datetime
import json
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench import machine_info, say  # noqa: E402  pylint: disable=wrong-import-position
from syncbench import report  # noqa: E402  pylint: disable=wrong-import-position
from syncbench.scenarios import WAYS, SyncBench  # noqa: E402  pylint: disable=wrong-import-position


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--python", default=sys.executable, help="the venv's Python, with ansible-core and requests")
    parser.add_argument("--sizes", default="1000,10000,100000,500000", help="list sizes N (default 1000,10000,100000,500000)")
    parser.add_argument("--changes", default="0,1", help="percent of the items changed (default 0,1)")
    parser.add_argument("--ways", default=",".join(WAYS), help="ways to measure (default %s)" % ",".join(WAYS))
    parser.add_argument("--runs", type=int, default=3, help="runs per way and size (default 3)")
    parser.add_argument("--long-runs", type=int, default=1,
                        help="runs of the long scenarios: the sync from --long-sync-from items, the per-item way "
                             "from --long-per-item-from items (default 1)")
    parser.add_argument("--long-sync-from", type=int, default=500000, help="default 500000 (about 10 min a run)")
    parser.add_argument("--long-per-item-from", type=int, default=1000, help="default 1000 (about 11 min a run)")
    parser.add_argument("--per-item-sizes", default="100,1000", help="sizes the per-item way is measured at (default 100,1000)")
    parser.add_argument("--per-item-timeout", type=float, default=1800,
                        help="seconds a per-item run may take before it is stopped and reported as such (default 1800)")
    parser.add_argument("--op-duration", type=float, default=1.0, help="simulator: seconds per bulk operation (default 1)")
    parser.add_argument("--results", default=os.path.join(HERE, "results"), help="folder for sync-latest.json and .md")
    parser.add_argument("--write-doc", action="store_true", help="put the tables into docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (the log of every run)")
    parser.add_argument("--worktree", action="store_true",
                        help="measure the working tree as it is, not the commit at HEAD (git archive)")
    parser.add_argument("--render", metavar="JSON", help="measure nothing: print (with --write-doc, write) the tables of a results file")
    return parser.parse_args(argv)


def shown_options(argv):
    """The options that shape the figures (not --python, --results, --keep), for the report."""
    shown, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--python", "--results"):
            skip = True
        elif not arg.startswith(("--python=", "--results=", "--keep", "--write-doc")):
            shown.append(arg)
    return " ".join(shown) or "(defaults)"


def numbers(text, kind=int):
    return [kind(v) for v in text.split(",") if v.strip()]


def plan(args):
    """[(size, changed, [(way, runs)])] in the order they run: by size, then share changed."""
    sizes, per_item = numbers(args.sizes), numbers(args.per_item_sizes)
    ways = [w for w in args.ways.split(",") if w]
    unknown = set(ways) - set(WAYS)
    if unknown or args.runs < 1 or args.long_runs < 1:
        raise SystemExit("unknown ways %s (or --runs / --long-runs < 1)" % ", ".join(sorted(unknown)))
    schedule = []
    for size in sorted(set(sizes) | (set(per_item) if "per_item" in ways else set())):
        for changed in numbers(args.changes, float):
            entries = []
            for way in ways:
                if size not in (per_item if way == "per_item" else sizes):
                    continue
                long_from = args.long_per_item_from if way == "per_item" else args.long_sync_from
                entries.append((way, args.long_runs if way != "replace_all" and size >= long_from else args.runs))
            if entries:
                schedule.append((size, changed, entries))
    return schedule


def timeout_for(way, size, args):
    if way == "per_item":
        return args.per_item_timeout
    if way == "sync":
        # 1,000 pages at 1.5 requests a second is about 570 s at 500,000 items; twice that, and start-up.
        return 600 + 2 * size / 500 / 1.5
    return 600 + size / 500.0


def estimate(schedule):
    """Seconds, roughly, from runs measured on a slow two-core machine."""
    seconds = {"sync": lambda n: 6 + max(0, n / 500 - 150) / 1.5 + n / 20000.0,
               "replace_all": lambda n: 8 + n / 8000.0, "per_item": lambda n: 3 + 0.7 * n}
    return sum(runs * (seconds[way](size) + 2 + size / 50000.0) for size, _c, entries in schedule for way, runs in entries)


def progress(run):
    say("   %-11s N=%-7d %g%% run %d: %s; wall %.1f s, %d requests (%d answered 429, %d writes), module %d proc %.2f CPU-s "
        "%.1f MB, controller %.2f CPU-s %.1f MB" % (
            run["way"], run["size"], run["changed"], run["index"] + 1, run["outcome"], run["wall"], run["requests"],
            run["answered_429"], run["writes"], run["module_processes"], run["module_cpu"], run["module_rss_mb"],
            run["controller_cpu"], run["controller_rss_mb"]))


def build(results):
    meta = results["meta"]
    cells = report.summarize(results["runs"])
    cells = report.extrapolate(cells, meta["sizes"], meta["changes"])
    results["cells"] = cells
    results["targets"] = report.targets(cells)
    meta["all_sizes"] = sorted({c["size"] for c in cells.values()})
    return report.markdown(results)


def save(results, folder, name):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=1, sort_keys=True)


def main(argv=None):  # pylint: disable=too-many-locals
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.render:
        with open(args.render, encoding="utf-8") as stream:
            results = json.load(stream)
        text = build(results)
        if args.write_doc:
            report.write_doc(text)
        say(text)
        return 0
    schedule = plan(args)
    sim_flags = ["--rate-limit", "1200/300", "--max-items", "600000", "--op-duration", "%g" % args.op_duration]
    machine = machine_info(os.path.abspath(args.python))
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            machine["memory_gb"] = round(int(stream.readline().split()[1]) / 1024.0 / 1024.0)
    except (OSError, ValueError, IndexError):
        pass
    guess = estimate(schedule)
    say("netedge.cloudflare sync benchmark: %s; about %.0f min" % (
        "; ".join("N=%d %g%%: %s" % (s, c, ", ".join("%s x%d" % e for e in entries)) for s, c, entries in schedule), guess / 60))
    say("   %s cores (%s), Python %s, ansible-core %s; simulator %s" % (
        machine["nproc"], machine["cpu_model"], machine["python"], machine["ansible_core"], " ".join(sim_flags)))
    started = time.monotonic()
    results = {"runs": [], "meta": {
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "options": shown_options(sys.argv[1:] if argv is None else argv), "machine": machine,
        "sizes": numbers(args.sizes), "changes": numbers(args.changes, float), "sim_flags": sim_flags,
        "load_before": " ".join("%.2f" % v for v in os.getloadavg()), "per_item_timeout": args.per_item_timeout}}
    bench = SyncBench(args.python, sim_flags, lifetime=3 * guess + 7200, keep=args.keep, worktree=args.worktree)
    results["meta"]["source"] = bench.source
    say("   collection: %s %s%s" % (bench.source["kind"], bench.source["commit"], " (with changes)" if bench.source["dirty"] else ""))
    # A SIGTERM (kill, a CI timeout) ends the run through the finally below: the simulator stops.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    failures = []
    try:
        for size, changed, entries in schedule:
            for index in range(max(runs for _w, runs in entries)):
                ways = [w for w, runs in entries if index < runs]
                shift = index % len(ways)
                for way in ways[shift:] + ways[:shift]:
                    label = "%s-%d-%g-%d" % (way, size, changed, index + 1)
                    run = bench.run_once(way, size, changed, timeout_for(way, size, args), label)
                    run.update(way=way, size=size, changed=changed, index=index)
                    results["runs"].append(run)
                    progress(run)
                    if way == "sync" and run["outcome"] != "ok":
                        failures.append("%s: %s (log %s)" % (label, run["outcome"], run["log"]))
                    results["meta"]["seconds"] = time.monotonic() - started
                    save(results, args.results, "sync-partial.json")
    finally:
        bench.close()
    results["meta"]["seconds"] = time.monotonic() - started
    results["meta"]["load_after"] = " ".join("%.2f" % v for v in os.getloadavg())
    text = build(results)
    save(results, args.results, "sync-latest.json")
    with open(os.path.join(args.results, "sync-latest.md"), "w", encoding="utf-8") as stream:
        stream.write(text)
    if args.write_doc:
        report.write_doc(text)
    say("")
    say(text)
    for failure in failures:
        say("FAILED: " + failure)
    if args.keep:
        say("work folder kept: %s" % bench.work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
