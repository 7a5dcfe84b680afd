# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Medians, the per-item way extrapolated, ratios, targets, and the Markdown tables of the sync benchmark."""

import os
import statistics

from syncbench.harness import ROOT
from syncbench.scenarios import LABEL, WAYS

SHORT = {"replace_all": "replace all", "per_item": "per item"}
DOC = os.path.join(ROOT, "docs", "performance.md")
DOC_BEGIN = "<!-- bench-sync:begin -->"
DOC_END = "<!-- bench-sync:end -->"

# Cloudflare's budget: 1,200 requests per 300 s. A way that sends more than 4 a second meets 429s.
BUDGET_RATE = 1200 / 300.0

# (key, column title, digits)
METRICS = (("requests", "requests", 0), ("answered_429", "429s", 0), ("writes", "writes", 0), ("wall", "wall (s)", 1),
           ("module_cpu", "module CPU (s)", 2), ("module_rss_mb", "module peak RSS (MB)", 1),
           ("controller_cpu", "controller CPU (s)", 2), ("controller_rss_mb", "controller peak RSS (MB)", 1))
LINEAR = ("requests", "writes", "wall", "module_cpu", "controller_cpu")

# (size, changed %, metric, most): the targets for the sync, on the largest of the runs.
TARGETS = ((500000, 0, "module_rss_mb", 250.0, "MB"), (500000, 0, "module_cpu", 30.0, "s"),
           (10000, 0, "module_rss_mb", 80.0, "MB"), (10000, 0, "module_cpu", 2.0, "s"))


def cell_key(way, size, changed):
    return "%s|%d|%g" % (way, size, changed)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(runs):
    """Per (way, size, changed): medians of the runs that ended ok (of all runs if none did), and the worst."""
    groups = {}
    for run in runs:
        groups.setdefault(cell_key(run["way"], run["size"], run["changed"]), []).append(run)
    cells = {}
    for key, group in groups.items():
        ok = [r for r in group if r["outcome"] == "ok"]
        used = ok or group
        cell = {"way": group[0]["way"], "size": group[0]["size"], "changed": group[0]["changed"], "runs": len(group),
                "ok_runs": len(ok), "outcomes": [r["outcome"] for r in group], "measured": True,
                "stale_left": max(r.get("stale_left", 0) for r in group),
                "items_done": median([r["item_reads"] if r["timed_out"] else r["size"] for r in used])}
        for metric, _title, _digits in METRICS:
            cell[metric] = median([r[metric] for r in used])
            cell[metric + "_max"] = max(r[metric] for r in group)
        cell["answered_429_max"] = max(r["answered_429"] for r in group)
        cells[key] = cell
    return cells


def extrapolate(cells, sizes, changes):
    """The per-item way at the sizes it was not measured at: a line through what was measured.

    Each measured cell (also one cut short by its time bound) is a point (items done, figure). Two
    or more points give a least-squares line, one a proportion. The wall is never below the
    rate-limit floor (requests / 4 per second). Peak RSS does not grow with N per module process;
    the controller's is the largest measured, marked as a lower bound.
    """
    for changed in changes:
        points = [c for c in cells.values()
                  if c["way"] == "per_item" and c["measured"] and c["changed"] == changed and c["items_done"]]
        if not points:
            continue
        measured_sizes = {c["size"] for c in points}
        largest = max(points, key=lambda c: c["items_done"])
        for size in sizes:
            if size in measured_sizes:
                if cells[cell_key("per_item", size, changed)]["ok_runs"]:
                    continue
                # Cut short by its time bound: shown as measured, and extrapolated for the ratios.
                cells[cell_key("per_item_cut", size, changed)] = dict(cells[cell_key("per_item", size, changed)],
                                                                      way="per_item_cut")
            cell = {"way": "per_item", "size": size, "changed": changed, "runs": 0, "ok_runs": 0, "measured": False,
                    "outcomes": ["extrapolated from %s" % ", ".join("N = %d" % c["items_done"] for c in points)],
                    "stale_left": int(round(size * changed / 100.0)), "items_done": size}
            for metric in LINEAR:
                cell[metric] = _fit([(c["items_done"], c[metric]) for c in points], size)
            cell["wall"] = max(cell["wall"], cell["requests"] / BUDGET_RATE)
            pace = largest["requests"] / largest["wall"] if largest["wall"] else 0
            cell["answered_429"] = 0 if pace < BUDGET_RATE else None
            cell["module_rss_mb"] = largest["module_rss_mb_max"]
            cell["controller_rss_mb"] = largest["controller_rss_mb_max"]
            cell["pace"] = pace
            cells[cell_key("per_item", size, changed)] = cell
    return cells


def _fit(points, size):
    if len({x for x, _y in points}) < 2:
        x, y = points[0]
        return y * size / float(x)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return max(0.0, my + slope * (size - mx))


def fmt(value, digits=1):
    if value is None:
        return "-"
    if digits == 0:
        return "{:,}".format(int(round(value)))
    return "{:,.{}f}".format(value, digits)


def fmt_ratio(numerator, denominator):
    if numerator is None or not denominator:
        return "-"
    value = numerator / denominator
    if value < 0.1:
        # 1/337: the baseline takes 337 times what the sync takes.
        return "1/{:,.0f}".format(1 / value) if value else "0"
    return ("%.2fx" % value) if value < 10 else ("%.0fx" % value)


def targets(cells):
    rows = []
    for size, changed, metric, most, unit in TARGETS:
        cell = cells.get(cell_key("sync", size, changed))
        what = "N = {:,}, unchanged: module {} <= {:g} {}".format(size, "peak RSS" if "rss" in metric else "CPU", most, unit)
        if cell is None:
            rows.append({"target": what, "result": "not measured", "met": None})
            continue
        worst = cell[metric + "_max"]
        rows.append({"target": what, "met": worst <= most,
                     "result": "%s %s (largest of %d run(s); median %s); %s" % (
                         fmt(worst, 1 if unit == "MB" else 2), unit, cell["runs"], fmt(cell[metric], 1 if unit == "MB" else 2),
                         "%.0f %% of the target" % (100.0 * worst / most))})
    for changed in (0, 1):
        cell = cells.get(cell_key("sync", 500000, changed))
        what = "N = 500,000, %d %% changed: no failed task, right final state, no 429 at 1,200 per 300 s" % changed
        if cell is None:
            rows.append({"target": what, "result": "not measured", "met": None})
            continue
        met = cell["ok_runs"] == cell["runs"] and cell["answered_429_max"] == 0
        rows.append({"target": what, "met": met, "result": "%s; %s requests, %d answered 429, %s s" % (
            ", ".join(sorted(set(cell["outcomes"]))), fmt(cell["requests"], 0), cell["answered_429_max"], fmt(cell["wall"], 0))})
    return rows


def markdown(results):  # pylint: disable=too-many-locals
    meta, cells = results["meta"], results["cells"]
    machine = meta["machine"]
    source = meta.get("source") or {}
    out = ["Run of %s, options `%s`; %.0f min in all. Collection: %s %s%s. Machine: %s cores (%s), %s GB, Linux %s, Python %s, ansible-core %s. "
           "Simulator: `%s`. Load average before / after: %s / %s." % (
               meta["started"], meta["options"], meta.get("seconds", 0) / 60, source.get("kind", "?"),
               (source.get("commit") or "?")[:12], " with uncommitted changes" if source.get("dirty") else "", machine["nproc"], machine["cpu_model"],
               machine.get("memory_gb", "?"), machine["kernel"], machine["python"], machine["ansible_core"],
               " ".join(meta["sim_flags"]), meta["load_before"], meta.get("load_after", "-")), ""]
    out += ["**Each way at each size** (medians of the runs; *italics*: extrapolated from the per-item runs, not "
            "measured; module CPU is summed over every module process of a run, module RSS is the largest one)", ""]
    out.append("| N | changed | way | runs | " + " | ".join(title for _k, title, _d in METRICS) + " | outcome |")
    out.append("| ---: | ---: | --- | ---: | " + " | ".join("---:" for _m in METRICS) + " | --- |")
    for size in meta["all_sizes"]:
        for changed in meta["changes"]:
            for way in WAYS + ("per_item_cut",):
                cell = cells.get(cell_key(way, size, changed))
                if cell is None:
                    continue
                values = [fmt(cell.get(k), d) for k, _t, d in METRICS]
                if not cell["measured"]:
                    values = ["*~%s*" % v if v != "-" else v for v in values]
                    if cell.get("controller_rss_mb") is not None:
                        values[-1] = "*>= %s*" % fmt(cell["controller_rss_mb"], 1)
                    outcome = "*extrapolated*"
                else:
                    outcome = _outcome(cell)
                out.append("| {:,} | {:g} % | {} | {} | {} | {} |".format(
                    size, changed, LABEL[way], cell["runs"] or "-", " | ".join(values), outcome))
    out += ["", "**Ratios** (the sync over each baseline, medians; below 1x the sync uses less; 1/n: the baseline uses n times as much)", "",
            "| N | changed | against | requests | wall | module CPU | module peak RSS | controller CPU | CPU, all "
            "| controller peak RSS |", "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size in meta["sizes"]:
        for changed in meta["changes"]:
            sync = cells.get(cell_key("sync", size, changed))
            if sync is None:
                continue
            for way in ("replace_all", "per_item"):
                base = cells.get(cell_key(way, size, changed))
                if base is None:
                    continue
                mark = "" if base["measured"] else " (extrapolated)"
                out.append("| {:,} | {:g} % | {}{} | {} | {} | {} | {} | {} | {} | {} |".format(
                    size, changed, SHORT[way], mark, fmt_ratio(sync["requests"], base["requests"]),
                    fmt_ratio(sync["wall"], base["wall"]), fmt_ratio(sync["module_cpu"], base["module_cpu"]),
                    fmt_ratio(sync["module_rss_mb"], base["module_rss_mb"]),
                    fmt_ratio(sync["controller_cpu"], base["controller_cpu"]),
                    fmt_ratio(sync["module_cpu"] + sync["controller_cpu"], base["module_cpu"] + base["controller_cpu"]),
                    fmt_ratio(sync["controller_rss_mb"], base["controller_rss_mb"]) if base["measured"] else "-"))
    out += ["", "**Targets** (the sync; judged on the largest of its runs)", "", "| target | result | |", "| --- | --- | --- |"]
    for row in results["targets"]:
        verdict = "not measured" if row["met"] is None else "met" if row["met"] else "**not met**"
        out.append("| %s | %s | %s |" % (row["target"], row["result"], verdict))
    return "\n".join(out) + "\n"


def _outcome(cell):
    outcomes = sorted(set(cell["outcomes"]))
    text = "; ".join(outcomes) if outcomes != ["ok"] else "ok"
    if cell["way"] == "per_item" and cell["stale_left"]:
        text += "; %s stale item(s) left" % fmt(cell["stale_left"], 0)
    return text


def write_doc(text):
    with open(DOC, encoding="utf-8") as stream:
        doc = stream.read()
    begin, end = doc.find(DOC_BEGIN), doc.find(DOC_END)
    if begin < 0 or end < begin:
        raise RuntimeError("%s has no %s ... %s block" % (DOC, DOC_BEGIN, DOC_END))
    doc = doc[:begin + len(DOC_BEGIN)] + "\n" + text + doc[end:]
    with open(DOC, "w", encoding="utf-8") as stream:
        stream.write(doc)
