# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wait scenario's start-up part: the module's and uri's AnsiballZ payloads, their imports and their cost."""

import glob
import os
import re
import subprocess

from harness.stats import median, say

IMPORT_NAMES = ("requests", "urllib3", "charset_normalizer", "http.cookiejar", "idna", "ansible.module_utils.basic",
                "ansible.module_utils.urls", "http.client", "email.utils")
IMPORT_RE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)\s*$")
SIDES = ("module", "uri")


def measure_imports(bench, runs):
    """Keep both payloads (ANSIBLE_KEEP_REMOTE_FILES), then run each with -X importtime and plainly, in turn."""
    say("== module start-up: python -X importtime on the AnsiballZ payloads, %d runs each" % runs)
    ws = bench.ws
    operation_id = bench.sim.add_operation(0)
    payloads = {}
    for side in SIDES:
        keep = os.path.join(ws.work, "keep-%s" % side)
        bench.run("imports-keep-%s" % side, bench.adhoc(side, operation_id), 120, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TEMP=keep)
        found = glob.glob(os.path.join(keep, "*", "AnsiballZ_*.py"))
        if len(found) != 1:
            raise RuntimeError("expected one AnsiballZ payload under %s, found %s" % (keep, found))
        payloads[side] = found[0]
    trees = {side: [] for side in SIDES}
    plain = {side: [] for side in SIDES + ("python",)}
    env = bench.env()
    for index in range(runs):
        for side in bench.order(index):
            proc = subprocess.run([ws.python, "-X", "importtime", payloads[side]], env=env, cwd=ws.work, capture_output=True,
                                  check=True, timeout=60)
            trees[side].append(parse_importtime(proc.stderr.decode("utf-8", "replace")))
            plain[side].append(ws.run("imports-plain-%s-%d" % (side, index), [ws.python, payloads[side]], 60, env))
        plain["python"].append(ws.run("imports-python-%d" % index, [ws.python, "-c", "pass"], 60, env))
    summary = {}
    for side in SIDES:
        summary[side] = {
            "process_wall": median(r["wall"] for r in plain[side]),
            "process_cpu": median(r["tree_cpu"] for r in plain[side]),
            "process_rss_mb": median(r["tree_rss_mb"] for r in plain[side]),
            "imports_ms": median(t["total_ms"] for t in trees[side]),
            "named_ms": {name: median(t["named"].get(name) for t in trees[side]) for name in IMPORT_NAMES},
            "own_ms": median(t["own_ms"] for t in trees[side]),
            "own_modules": {name: median(t["self"].get(name, 0.0) for t in trees[side]) for name in trees[side][0]["own_modules"]},
            "largest": largest_imports(trees[side]),
        }
    summary["python"] = {"process_wall": median(r["wall"] for r in plain["python"]),
                         "process_cpu": median(r["tree_cpu"] for r in plain["python"])}
    summary["marginal"] = marginal_imports(ws, env, runs)
    bench.results["scenarios"]["imports"] = {"summary": summary, "payload_bytes": {s: os.path.getsize(p) for s, p in payloads.items()}}
    say("   module payload: %.0f ms of imports, requests %.0f ms; uri payload: %.0f ms, ansible.module_utils.urls %.0f ms" % (
        summary["module"]["imports_ms"], summary["module"]["named_ms"]["requests"] or 0,
        summary["uri"]["imports_ms"], summary["uri"]["named_ms"]["ansible.module_utils.urls"] or 0))


def marginal_imports(ws, env, runs):
    """Wall time of importing X in a process that has already imported ansible.module_utils.basic."""
    code = ("import sys, time, ansible.module_utils.basic\n"
            "before = set(sys.modules)\n"
            "t = time.perf_counter()\n"
            "import %s\n"
            "print(time.perf_counter() - t, len(set(sys.modules) - before))\n")
    out = {}
    for name in ("requests", "ansible.module_utils.urls", "http.client"):
        samples = []
        for _index in range(runs):
            proc = subprocess.run([ws.python, "-c", code % name], env=env, cwd=ws.work, capture_output=True, check=True, timeout=60)
            seconds, modules = proc.stdout.split()
            samples.append((float(seconds), int(modules)))
        out[name] = {"ms": 1000 * median(s for s, _m in samples), "modules": samples[0][1]}
    return out


def parse_importtime(text):
    """Totals of ``-X importtime`` output: every import's own and cumulative microseconds."""
    entries = []
    for line in text.splitlines():
        match = IMPORT_RE.match(line)
        if match:
            entries.append((match.group(4), int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2))
    named = {}
    for name, _self_us, cumulative, _depth in entries:
        if name in IMPORT_NAMES and name not in named:
            named[name] = cumulative / 1000.0
    own = [(name, self_us) for name, self_us, _cum, _depth in entries
           if name.startswith("ansible_collections.netedge.") and name.rsplit(".", 1)[-1].startswith("_")]
    return {
        "total_ms": sum(cum for _n, _s, cum, depth in entries if depth == 0) / 1000.0,
        "named": named,
        "own_ms": sum(s for _n, s in own) / 1000.0,
        "own_modules": [n for n, _s in own],
        "self": {name: self_us / 1000.0 for name, self_us, _c, _d in entries},
    }


def largest_imports(trees, count=8):
    """The imports with the largest own time (median over runs)."""
    names = set()
    for tree in trees:
        names.update(tree["self"])
    medians = {name: median(t["self"].get(name, 0.0) for t in trees) for name in names}
    return sorted(medians.items(), key=lambda kv: -kv[1])[:count]
