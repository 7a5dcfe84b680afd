# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One measured run of one way to sync a list: seed, run the playbook, count, check the outcome.

The list holds N IPv4 addresses (10.a.b.c, from a counter). The feed file holds the same N, or,
with ``changed`` percent, the same minus that share of them (spread evenly) plus as many new ones:
the list must lose k items and gain k. Each run starts from a fresh simulator (``POST
/__sim/reset``: no lists, counters at zero, a new rate-limit window, as for a token unused for 5
minutes), then seeds the list through the admin API, which is not counted.
"""

import json
import os
import shutil
import subprocess
import tempfile

from syncbench.harness import ROOT, Launcher, Simulator, read_shim_log, run_measured, write_shim

PLAYBOOKS = os.path.join(ROOT, "benchmarks", "playbooks")
LIST_NAME = "bench_sync"
WAYS = ("sync", "replace_all", "per_item")
PLAYBOOK = {"sync": "sync_module.yml", "replace_all": "sync_replace_all.yml", "per_item": "sync_per_item.yml"}
LABEL = {"sync": "cloudflare_list_items, state: exact", "replace_all": "replace all (uri PUT + until)",
         "per_item": "per item (uri GET search, POST, until)",
         "per_item_cut": "per item, cut short by its time bound"}

ROUTE = "/client/v4/accounts/{account_id}/rules/lists"
ITEMS_ROUTE = ROUTE + "/{list_id}/items"


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
    feed = [value for i, value in enumerate(seeded) if i not in dropped] + [ip_of(size + j) for j in range(count)]
    return seeded, feed


def collection_source(target, worktree):
    """Put the collection at ``target``: the commit at HEAD (``git archive``), or the working tree as it is.

    Other work may be under way in the working tree; by default the figures are those of a commit.
    """
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    if worktree or not commit:
        os.symlink(ROOT, target)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, check=False).stdout.strip()
        return {"kind": "working tree", "commit": commit or None, "dirty": bool(dirty)}
    os.makedirs(target)
    archive = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    return {"kind": "commit", "commit": commit, "dirty": False}


def count_requests(counters):
    """The simulator's counters in the benchmark's terms."""
    routes = counters.get("routes", {})
    writes = sum(n for route, n in routes.items() if route.split(" ", 1)[0] in ("POST", "PUT", "DELETE")
                 and route.split(" ", 1)[1] == ITEMS_ROUTE)
    return {"requests": counters["total"], "answered_429": counters.get("statuses", {}).get("429", 0),
            "statuses": counters.get("statuses", {}), "writes": writes,
            "item_reads": routes.get("GET " + ITEMS_ROUTE, 0),
            "polls": routes.get("GET " + ROUTE + "/bulk_operations/{operation_id}", 0)}


class SyncBench:  # pylint: disable=too-many-instance-attributes
    """The work folder, the collection path, the shim and the simulator of one benchmark run."""

    def __init__(self, python, sim_flags, lifetime, keep=False, worktree=False):  # pylint: disable=too-many-arguments
        self.python = os.path.abspath(python)
        self.bindir = os.path.dirname(self.python)
        # First, while this process is small: see Launcher.
        self.launcher = Launcher(self.python)
        self.keep = keep
        self.work = tempfile.mkdtemp(prefix="netedge-bench-sync-")
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.logs)
        collections = os.path.join(self.work, "collections", "ansible_collections", "netedge")
        os.makedirs(collections)
        self.source = collection_source(os.path.join(collections, "cloudflare"), worktree)
        self.collections = os.path.dirname(os.path.dirname(collections))
        self.config = os.path.join(self.work, "ansible.cfg")
        with open(self.config, "w", encoding="utf-8") as stream:
            stream.write("[defaults]\n")
        self.shim_log = os.path.join(self.work, "shim.jsonl")
        self.shim = os.path.join(self.work, "python-shim")
        write_shim(self.python, self.shim, self.shim_log)
        self.sim = Simulator(self.python, self.work, lifetime, sim_flags)
        self.vars_file = os.path.join(self.work, "vars.json")
        with open(self.vars_file, "w", encoding="utf-8") as stream:
            json.dump({"cf_base_url": self.sim.url, "cf_account_id": self.sim.account_id, "cf_api_token": self.sim.token,
                       "bench_list_name": LIST_NAME}, stream)
        self.feeds = {}

    def env(self):
        """A clean environment: the venv first on PATH, no proxies, no user ansible.cfg, no CLOUDFLARE_*."""
        return {
            "PATH": os.pathsep.join([self.bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": os.environ.get("HOME", self.work),
            "LANG": "C.UTF-8",
            "TMPDIR": self.work,
            "no_proxy": "127.0.0.1,localhost",
            "ANSIBLE_CONFIG": self.config,
            "ANSIBLE_HOME": os.path.join(self.work, "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.work, "ansible-local"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(self.work, "ansible-remote"),
            "ANSIBLE_COLLECTIONS_PATH": self.collections,
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_NOCOLOR": "1",
        }

    def feed(self, size, changed):
        """(seeded values, feed values, feed file), made once per size and share."""
        key = (size, changed)
        if key not in self.feeds:
            seeded, feed = make_feed(size, changed)
            path = os.path.join(self.work, "feed-%d-%g.txt" % (size, changed))
            with open(path, "w", encoding="utf-8") as stream:
                stream.write("\n".join(feed) + "\n")
            self.feeds = {key: (seeded, feed, path)}  # keep one: 500,000 values are 60 MB of Python strings
        return self.feeds[key]

    def run_once(self, way, size, changed, timeout, label):
        """One run: its figures, its counters, and whether it reached the wanted state."""
        seeded, feed, path = self.feed(size, changed)
        lst = self.sim.fresh_list(LIST_NAME, seeded)
        if os.path.exists(self.shim_log):
            os.remove(self.shim_log)
        argv = [os.path.join(self.bindir, "ansible-playbook"), os.path.join(PLAYBOOKS, PLAYBOOK[way]),
                "-e", "@" + self.vars_file, "-e", "bench_feed=" + path, "-e", "ansible_python_interpreter=" + self.shim]
        log = os.path.join(self.logs, "%s.log" % label)
        run = run_measured(self.launcher, argv, self.env(), self.work, log, timeout)
        run.update(count_requests(self.sim.counters()))
        run.update(read_shim_log(self.shim_log))
        run["controller_cpu"] = run["tree_cpu"] - run["module_cpu"] - run["shim_cpu"]
        if run["tree_rss_mb"] > run["module_rss_mb"] + 0.5:
            # The largest process of the tree was not a module process: wait4's figure is exact (it may be
            # a /bin/sh vforked from a worker, which Linux credits with the worker's peak: the same figure).
            run["controller_rss_mb"], run["controller_rss_source"] = run["tree_rss_mb"], "wait4"
        else:
            run["controller_rss_mb"] = max(run["main_rss_mb"], run["worker_rss_mb"])
            run["controller_rss_source"] = "sampled"
        run.update(self.check(way, lst["id"], seeded, feed))
        run["log"] = log
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
        missing = len(feed_set - held_set)
        extra = len(held_set - feed_set)
        note = "%d held, %d wanted, %d missing, %d not in the feed" % (len(held), len(feed_set), missing, extra)
        if way == "per_item":
            ok = missing == 0 and len(held) == len(held_set)
            stale = len(set(seeded) - feed_set)
            if ok and extra:
                note += " (the per-item way only adds: %d item(s) that left the feed stay)" % extra
            return {"state_ok": ok, "state_note": note, "stale_left": extra if stale else 0}
        return {"state_ok": missing == 0 and extra == 0 and len(held) == len(feed_set), "state_note": note, "stale_left": extra}

    def close(self):
        self.launcher.close()
        self.sim.stop()
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
