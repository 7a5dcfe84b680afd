# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sync: a list of N items made to hold a feed file's, four ways, against one simulator with Cloudflare's budget.

1. ``sync``: cloudflare_list_items, ``state: exact``, ``items: lookup('ansible.builtin.file', feed).splitlines()``;
2. ``sync_src``: the same task with ``src: <feed>`` (the module reads the file as a stream);
3. ``replace_all``: one ansible.builtin.uri PUT of every item, then a wait with ``until`` (as Terraform does);
4. ``per_item``: for each item a uri GET ``items?search=``, a POST when missing, a wait with ``until``, at the
   small sizes only; larger ones are extrapolated (scenarios/sync_report.py).

For N in ``--sizes`` and each share changed, each run starts from a fresh simulator, seeds the list (not
counted), runs ansible-playbook, then reads the simulator's counters and the list, which must hold what the
way promises. Medians of ``--runs`` runs, ratios against the baselines of the same run.
"""

import json
import os

from harness.stats import numbers, say
from scenarios import sync_report

DOC_BLOCK = "bench-sync"
LIST_NAME = "bench_sync"
WAYS = sync_report.WAYS
PLAYBOOK = {"sync": "sync_module.yml", "sync_src": "sync_src.yml", "replace_all": "sync_replace_all.yml",
            "per_item": "sync_per_item.yml"}
ROUTE = "/client/v4/accounts/{account_id}/rules/lists"
ITEMS_ROUTE = ROUTE + "/{list_id}/items"
SYNC_WAYS = ("sync", "sync_src")


def add_arguments(parser, ways=",".join(WAYS), sizes="1000,10000,100000,500000", changes="0,1"):
    parser.add_argument("--sizes", default=sizes, help="list sizes N (default %s)" % sizes)
    parser.add_argument("--changes", default=changes, help="percent of the items changed (default %s)" % changes)
    parser.add_argument("--ways", default=ways, help="ways to measure, of %s (default %s)" % (",".join(WAYS), ways))
    parser.add_argument("--runs", type=int, default=3, help="runs per way and size (default 3)")
    parser.add_argument("--long-runs", type=int, default=1,
                        help="runs of the long cases: the sync ways from --long-sync-from items, the per-item way "
                             "from --long-per-item-from items (default 1)")
    parser.add_argument("--long-sync-from", type=int, default=500000, help="default 500000 (about 6 min a run)")
    parser.add_argument("--long-per-item-from", type=int, default=1000, help="default 1000 (about 11 min a run)")
    parser.add_argument("--per-item-sizes", default="100,1000", help="sizes the per-item way is measured at (default 100,1000)")
    parser.add_argument("--per-item-timeout", type=float, default=1800,
                        help="seconds a per-item run may take before it is stopped and reported as such (default 1800)")
    parser.add_argument("--op-duration", type=float, default=1.0, help="simulator: seconds per bulk operation (default 1)")


def ip_of(index):
    return "10.%d.%d.%d" % (index >> 16 & 255, index >> 8 & 255, index & 255)


def make_feed(size, changed):
    """(values seeded into the list, values of the feed): ``changed`` percent of them replaced by new ones."""
    seeded = [ip_of(i) for i in range(size)]
    count = int(round(size * changed / 100.0))
    if not count:
        return seeded, list(seeded)
    step = size // count
    dropped = set(range(0, step * count, step))
    return seeded, [value for i, value in enumerate(seeded) if i not in dropped] + [ip_of(size + j) for j in range(count)]


def count_requests(counters):
    """The simulator's counters in the benchmark's terms."""
    routes = counters.get("routes", {})
    writes = sum(n for route, n in routes.items() if route.split(" ", 1)[0] in ("POST", "PUT", "DELETE")
                 and route.split(" ", 1)[1] == ITEMS_ROUTE)
    return {"requests": counters["total"], "answered_429": counters.get("statuses", {}).get("429", 0),
            "statuses": counters.get("statuses", {}), "writes": writes, "item_reads": routes.get("GET " + ITEMS_ROUTE, 0),
            "polls": routes.get("GET " + ROUTE + "/bulk_operations/{operation_id}", 0)}


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
    if way in SYNC_WAYS:
        # 1,000 pages: 600 at once, the rest 5 minutes later; twice what a slow machine needs, and start-up.
        return 900 + 2 * size / 500.0
    return 600 + size / 500.0


def estimate(schedule):
    """Seconds, roughly, from runs measured on a slow two-core machine."""
    def synced(n):
        return 6 + n / 20000.0 + (300 if n / 500 + 1 > 600 else 0)
    seconds = {"sync": synced, "sync_src": synced, "replace_all": lambda n: 8 + n / 8000.0, "per_item": lambda n: 3 + 0.7 * n}
    return sum(runs * (seconds[way](size) + 2 + size / 50000.0) for size, _c, entries in schedule for way, runs in entries)


class SyncRuns:
    """The runs of the sync scenarios on one workspace: the feed files, one measured run, the check."""

    def __init__(self, ws):
        self.ws = ws
        self.sim = ws.sim
        self.feeds = {}
        self.vars_file = os.path.join(ws.work, "vars.json")
        with open(self.vars_file, "w", encoding="utf-8") as stream:
            json.dump({"cf_base_url": self.sim.url, "cf_account_id": self.sim.account_id, "cf_api_token": self.sim.token,
                       "bench_list_name": LIST_NAME}, stream)

    def feed(self, size, changed):
        """(seeded values, feed values, feed file), made once per size and share."""
        key = (size, changed)
        if key not in self.feeds:
            seeded, feed = make_feed(size, changed)
            path = os.path.join(self.ws.work, "feed-%d-%g.txt" % (size, changed))
            with open(path, "w", encoding="utf-8") as stream:
                stream.write("\n".join(feed) + "\n")
            self.feeds = {key: (seeded, feed, path)}  # keep one: 500,000 values are 60 MB of Python strings
        return self.feeds[key]

    def run_once(self, way, size, changed, timeout, label):
        """One run: its figures, its counters, and whether it reached the wanted state."""
        seeded, feed, path = self.feed(size, changed)
        lst = self.sim.fresh_list(LIST_NAME, seeded)
        argv = [self.ws.tool("ansible-playbook"), self.ws.playbook(PLAYBOOK[way]), "-e", "@" + self.vars_file,
                "-e", "bench_feed=" + path, "-e", "ansible_python_interpreter=" + self.ws.shim]
        run = self.ws.run(label, argv, timeout, sample=True)
        del run["modules"]
        run.update(count_requests(self.sim.counters()))
        run["controller_cpu"] = run["tree_cpu"] - run["module_cpu"] - run["shim_cpu"]
        if run["tree_rss_mb"] > run["module_rss_mb"] + 0.5:
            # The largest process of the tree was not a module process: wait4's figure is exact (it may be
            # a /bin/sh vforked from a worker, which Linux credits with the worker's peak: the same figure).
            run["controller_rss_mb"], run["controller_rss_source"] = run["tree_rss_mb"], "wait4"
        else:
            run["controller_rss_mb"] = max(run["main_rss_mb"], run["worker_rss_mb"])
            run["controller_rss_source"] = "sampled"
        run.update(self.check(way, lst["id"], seeded, feed))
        if run["timed_out"]:
            run["outcome"] = "timed out after %.0f s (%d of %d items looked up)" % (run["wall"], run["item_reads"], len(feed))
        elif run["rc"] != 0:
            run["outcome"] = "failed: ansible-playbook exit %d (%d answers 429)" % (run["rc"], run["answered_429"])
        elif not run["state_ok"]:
            run["outcome"] = "wrong final state: " + run["state_note"]
        else:
            run["outcome"] = "ok"
        return run

    def check(self, way, list_id, seeded, feed):
        """Whether the list ends as the way promises: exactly the feed, or (per item) at least the feed."""
        held = self.sim.held_values(list_id)
        held_set, feed_set = set(held), set(feed)
        missing, extra = len(feed_set - held_set), len(held_set - feed_set)
        note = "%d held, %d wanted, %d missing, %d not in the feed" % (len(held), len(feed_set), missing, extra)
        if way == "per_item":
            ok = missing == 0 and len(held) == len(held_set)
            if ok and extra:
                note += " (the per-item way only adds: %d item(s) that left the feed stay)" % extra
            return {"state_ok": ok, "state_note": note, "stale_left": extra if set(seeded) - feed_set else 0}
        return {"state_ok": missing == 0 and extra == 0 and len(held) == len(feed_set), "state_note": note, "stale_left": extra}


def progress(run):
    say("   %-11s N=%-7d %g%% run %d: %s; wall %.1f s, %d requests (%d answered 429, %d writes), module %d proc %.2f CPU-s "
        "%.1f MB, controller %.2f CPU-s %.1f MB" % (
            run["way"], run["size"], run["changed"], run["index"] + 1, run["outcome"], run["wall"], run["requests"],
            run["answered_429"], run["writes"], run["module_processes"], run["module_cpu"], run["module_rss_mb"],
            run["controller_cpu"], run["controller_rss_mb"]))


def measure(args, ws, meta, checkpoint, title="sync"):
    schedule = plan(args)
    sim_flags = ["--rate-limit", "1200/300", "--max-items", "600000", "--op-duration", "%g" % args.op_duration]
    guess = estimate(schedule)
    say("netedge.cloudflare %s benchmark: %s; about %.0f min" % (title, "; ".join(
        "N=%d %g%%: %s" % (s, c, ", ".join("%s x%d" % e for e in entries)) for s, c, entries in schedule), guess / 60))
    ws.start_simulator(3 * guess + 7200, sim_flags)
    runs = SyncRuns(ws)
    results = {"runs": [], "meta": meta}
    meta.update(sizes=numbers(args.sizes), changes=numbers(args.changes, float), sim_flags=sim_flags,
                per_item_timeout=args.per_item_timeout, failures=[])
    for size, changed, entries in schedule:
        for index in range(max(count for _w, count in entries)):
            ways = [w for w, count in entries if index < count]
            shift = index % len(ways)
            for way in ways[shift:] + ways[:shift]:
                label = "%s-%d-%g-%d" % (way, size, changed, index + 1)
                run = runs.run_once(way, size, changed, timeout_for(way, size, args), label)
                run.update(way=way, size=size, changed=changed, index=index)
                results["runs"].append(run)
                progress(run)
                if way != "per_item" and run["outcome"] != "ok":
                    meta["failures"].append("%s: %s (log %s)" % (label, run["outcome"], run["log"]))
                checkpoint(results)
    return results


def render(results):
    return sync_report.markdown(results)


def failures(results):
    return results["meta"].get("failures", [])
