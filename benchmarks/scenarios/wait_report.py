# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wait scenario's tables, and the poll schedule modelled: how many requests and how much lag each costs."""

import datetime
import importlib.util
import os

from harness.report import run_header, table, targets_table
from harness.simulator import ROOT
from harness.stats import fmt, fmt_ratio, median
from scenarios.wait_startup import IMPORT_NAMES

WAITER = os.path.join(ROOT, "plugins", "module_utils", "_api", "waiter.py")
URI_DELAY = 1.0  # the uri side's `delay`, as in the playbooks
MODEL_DURATIONS = [2.0, 10.0, 60.0, 300.0]  # modelled besides the measured waits


def lag_bound(duration):
    """How long after an operation of ``duration`` seconds finishes its wait may end."""
    return max(0.5, 0.25 * duration)


def parse_rfc3339(text):
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


# -- the poll schedule, modelled ------------------------------------------------------------------

def load_next_pause():
    spec = importlib.util.spec_from_file_location("netedge_bench_waiter", WAITER)
    waiter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(waiter)
    return waiter.next_pause


def schedule_polls(pause, horizon):
    """Poll times (seconds after the first poll) up to and including the first at or past ``horizon``."""
    times = [0.0]
    while times[-1] < horizon:
        times.append(times[-1] + pause(times[-1]))
    return times


def model_schedules(uri_spacing, durations):
    """For each schedule and T: the polls that see an operation ending T s after the first poll, and the
    longest lag an operation ending about then can have (the gap between the two polls around T)."""
    next_pause = load_next_pause()
    schedules = [
        ("module: t/4 in [0.5, 2.5] for 40 s, then [0.5, wait_sleep=5]", lambda t: next_pause(t, 5.0)),
        ("floor 1 s: clamp(t/4, 1, 5)", lambda t: min(5.0, max(1.0, 0.25 * t))),
        ("wait_sleep: 2.75, i.e. clamp(t/4, 0.5, 2.75)", lambda t: next_pause(t, 2.75)),
        ("cap 2.75 s for the first 60 s, then 5 s", lambda t: next_pause(t, 2.75 if t < 60 else 5.0)),
        ("uri + until, measured spacing %.2f s" % uri_spacing, lambda t: uri_spacing),
    ]
    rows = []
    for name, pause in schedules:
        row = {"schedule": name, "cells": []}
        for duration in durations:
            times = schedule_polls(pause, duration)
            index = next(i for i, t in enumerate(times) if t >= duration)
            gap = times[index] - times[index - 1] if index else 0.0
            row["cells"].append({"duration": duration, "polls": index + 1, "worst_lag": gap, "bound": lag_bound(duration)})
        rows.append(row)
    return rows


def build_model(waits_done, durations):
    """The schedule model, fed with uri's poll spacing as measured: one module run plus ``delay``."""
    spacings = []
    for scenario in waits_done:
        for run in scenario["runs"]["uri"]:
            attempts = run["polls"] or 1
            if attempts > 1:
                # attempts x (one module run) + (attempts - 1) x delay = the task's duration
                spacings.append((run["task_seconds"] - (attempts - 1) * URI_DELAY) / attempts + URI_DELAY)
    spacing = median(spacings) or 1.5
    return {"uri_spacing": spacing, "rows": model_schedules(spacing, durations)}


# -- tables ----------------------------------------------------------------------------------------

def wait_rows(scenario, key, side):
    """(metric, module side, uri, side / uri) rows of one wait part; ``side`` is "module" or "module_ws"."""
    m, u = scenario["summary"][side], scenario["summary"]["uri"]
    rows = [("wall (s)", fmt(m["wall"]), fmt(u["wall"]), fmt_ratio(m["wall"], u["wall"], 3)),
            ("controller CPU, all processes (s)", fmt(m["cpu"]), fmt(u["cpu"]), fmt_ratio(m["cpu"], u["cpu"]))]
    if m["cpu_above_floor"] is not None:
        rows.append(("CPU above the floor (s)", fmt(m["cpu_above_floor"]), fmt(u["cpu_above_floor"]),
                     fmt_ratio(m["cpu_above_floor"], u["cpu_above_floor"])))
    rows += [("requests", fmt(m["requests"]), fmt(u["requests"]), fmt_ratio(m["requests"], u["requests"])),
             ("TCP connections", fmt(m["connections"]), fmt(u["connections"]), "")]
    if key != "loop":
        rows.append(("lag (s), median (worst)", "%s (%s)" % (fmt(m["lag"]), fmt(m["lag_max"])),
                     "%s (%s)" % (fmt(u["lag"]), fmt(u["lag_max"])), "bound %s" % fmt(lag_bound(scenario["duration"]))))
    else:
        rows.append(("lag after the last operation (s), median", fmt(m["lag"]), fmt(u["lag"]), ""))
    return rows


def status_table(s):
    m, u = s["module"], s["uri"]
    rows = [("wall (s)", fmt(m["wall"]), fmt(u["wall"]), fmt_ratio(m["wall"], u["wall"])),
            ("CPU, all processes (s)", fmt(m["cpu"]), fmt(u["cpu"]), fmt_ratio(m["cpu"], u["cpu"])),
            ("peak RSS, largest process of the tree (MB)", fmt(m["tree_rss_mb"], 1), fmt(u["tree_rss_mb"], 1),
             fmt_ratio(m["tree_rss_mb"], u["tree_rss_mb"])),
            ("module process: wall (s)", fmt(m["process_wall"]), fmt(u["process_wall"]), fmt_ratio(m["process_wall"], u["process_wall"])),
            ("module process: CPU (s)", fmt(m["process_cpu"]), fmt(u["process_cpu"]), fmt_ratio(m["process_cpu"], u["process_cpu"])),
            ("module process: peak RSS (MB), median (largest)", "%s (%s)" % (fmt(m["process_rss_mb"], 1), fmt(m["process_rss_mb_max"], 1)),
             "%s (%s)" % (fmt(u["process_rss_mb"], 1), fmt(u["process_rss_mb_max"], 1)), fmt_ratio(m["process_rss_mb"], u["process_rss_mb"])),
            ("requests / TCP connections", "%s / %s" % (fmt(m["requests"]), fmt(m["connections"])),
             "%s / %s" % (fmt(u["requests"]), fmt(u["connections"])), "")]
    return ["**One status check, ad hoc** (`ansible localhost -m ...`; medians)", ""] + table(
        ("metric", "module", "uri", "module / uri"), "lrrr", rows) + [""]


def waits_table(results, wait_keys):
    scenarios = results["scenarios"]
    out = ["**Waiting** (one `ansible-playbook` run per wait; medians; lag = task end minus operation end)"]
    floor = scenarios.get("floor", {}).get("summary")
    if floor:
        out += ["", "Floor (the same playbook run, its task starting no module): wall %s s, CPU %s s. While a task "
                "waits (`ansible.builtin.pause`), ansible-core itself uses %s CPU-s per second." % (
                    fmt(floor["wall"]), fmt(floor["cpu"]), fmt(floor["idle_cpu_per_second"], 3))]
    extra = any("module_ws" in scenarios[k]["summary"] for k in wait_keys)
    header = ["wait", "metric", "module", "uri + until", "module / uri"]
    if extra:
        header += ["module, wait_sleep %g" % results["meta"]["module_wait_sleep"], "it / uri"]
    rows = []
    for key in wait_keys:
        scenario = scenarios[key]
        label = ("T = %g s" % scenario["duration"]) if key != "loop" else "loop: %d ops of %g s" % (scenario["operations"], scenario["duration"])
        extra_rows = wait_rows(scenario, key, "module_ws") if extra else None
        for index, row in enumerate(wait_rows(scenario, key, "module")):
            rows.append([label if index == 0 else ""] + list(row) + ([extra_rows[index][1], extra_rows[index][3]] if extra_rows else []))
    return out + [""] + table(header, "ll" + "r" * (len(header) - 2), rows) + [""]


def imports_table(s):
    m, u = s["module"], s["uri"]
    rows = [("payload process: wall / CPU (s), `python -c pass` is %s / %s" % (fmt(s["python"]["process_wall"], 3), fmt(s["python"]["process_cpu"], 3)),
             "%s / %s" % (fmt(m["process_wall"], 3), fmt(m["process_cpu"], 3)), "%s / %s" % (fmt(u["process_wall"], 3), fmt(u["process_cpu"], 3))),
            ("payload process: peak RSS (MB)", fmt(m["process_rss_mb"], 1), fmt(u["process_rss_mb"], 1)),
            ("all imports, importtime (ms)", fmt(m["imports_ms"], 0), fmt(u["imports_ms"], 0))]
    for name in IMPORT_NAMES:
        if m["named_ms"].get(name) is not None or u["named_ms"].get(name) is not None:
            rows.append(("`%s`, cumulative, where first imported (ms)" % name, fmt(m["named_ms"].get(name), 0), fmt(u["named_ms"].get(name), 0)))
    rows.append(("the collection's module_utils, own time (ms): %s" % ", ".join(
        "%s %.1f" % (name.rsplit(".", 1)[-1], ms) for name, ms in m["own_modules"].items()), fmt(m["own_ms"], 1), ""))
    out = ["**Module start-up** (the AnsiballZ payload run by hand; imports from `-X importtime`, which inflates them; medians)", ""]
    out += table(("", "module", "uri"), "lrr", rows)
    out += ["", "Imported after `ansible.module_utils.basic`, without importtime (real cost, median): " + "; ".join(
        "`%s` %.0f ms (%d modules)" % (name, v["ms"], v["modules"]) for name, v in s["marginal"].items()) + ".", ""]
    return out


def model_table(model):
    out = ["**Poll schedules, modelled** (an operation ending T s after the first poll: polls until one sees it "
           "ended / the longest the wait can lag for an operation ending about then; uri's spacing as measured)", ""]
    durations = [c["duration"] for c in model["rows"][0]["cells"]]
    rows = [[row["schedule"]] + ["%d / %.2f s%s" % (c["polls"], c["worst_lag"], "" if c["worst_lag"] <= c["bound"] else " (> %.2f)" % c["bound"])
                                 for c in row["cells"]] for row in model["rows"]]
    return out + table(["schedule"] + ["T = %g s" % d for d in durations], "l" + "r" * len(durations), rows) + [""]


def markdown(results):
    meta = results["meta"]
    scenarios = results["scenarios"]
    waits_done = [scenarios[k] for k in scenarios if k.startswith("wait_")]
    if waits_done:
        results["model"] = build_model(waits_done, sorted(set([w["duration"] for w in waits_done] + MODEL_DURATIONS)))
    out = [run_header(meta) + " %d runs per side per part, alternating." % meta["runs"], ""]
    if "status" in scenarios:
        out += status_table(scenarios["status"]["summary"])
    wait_keys = sorted((k for k in scenarios if k.startswith("wait_")), key=lambda k: scenarios[k]["duration"])
    wait_keys += ["loop"] if "loop" in scenarios else []
    if wait_keys:
        out += waits_table(results, wait_keys)
    if "imports" in scenarios:
        out += imports_table(scenarios["imports"]["summary"])
    if "model" in results:
        out += model_table(results["model"])
    for row in results["targets"]:
        row.setdefault("result", row.get("note"))
    out += ["**Targets**", ""] + targets_table(results["targets"])
    return "\n".join(out) + "\n"
