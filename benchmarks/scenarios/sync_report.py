# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sync scenarios' figures: medians, the per-item way extrapolated, ratios, targets, and the tables."""

from harness.report import run_header, table, target, targets_table
from harness.stats import fmt, fmt_ratio, median, ratio

WAYS = ("sync", "sync_src", "replace_all", "per_item")
LABEL = {"sync": "cloudflare_list_items, state: exact, items: lookup(...).splitlines()",
         "sync_src": "cloudflare_list_items, state: exact, src",
         "replace_all": "replace all (uri PUT + until)", "per_item": "per item (uri GET search, POST, until)",
         "per_item_cut": "per item, cut short by its time bound"}
SHORT = {"sync": "lookup", "sync_src": "src", "replace_all": "replace all", "per_item": "per item"}
# (way, against) for the ratios table.
PAIRS = (("sync", "replace_all"), ("sync", "per_item"), ("sync_src", "sync"), ("sync_src", "replace_all"))

# Cloudflare's budget: 1,200 requests per 300 s. A way that sends more than 4 a second meets 429s.
BUDGET_RATE = 1200 / 300.0

# (key, column title, digits)
METRICS = (("requests", "requests", 0), ("answered_429", "429s", 0), ("writes", "writes", 0), ("wall", "wall (s)", 1),
           ("module_cpu", "module CPU (s)", 2), ("module_rss_mb", "module peak RSS (MB)", 1),
           ("controller_cpu", "controller CPU (s)", 2), ("controller_rss_mb", "controller peak RSS (MB)", 1))
LINEAR = ("requests", "writes", "wall", "module_cpu", "controller_cpu")

# (size, changed %, metric, most, unit): the sync's own cost, on the largest of the runs.
TARGETS = ((500000, 0, "module_rss_mb", 250.0, "MB"), (500000, 0, "module_cpu", 30.0, "s"),
           (10000, 0, "module_rss_mb", 80.0, "MB"), (10000, 0, "module_cpu", 2.0, "s"))
# src against lookup, unchanged, 500,000 items: controller and module together; the module alone.
SRC_CPU_RATIO, SRC_RSS_RATIO, SRC_MODULE_RSS_MB = 0.3, 0.6, 150.0
# Pacing: an unchanged sync of 100,000 items within 2x replace-all's wall; 500,000 items within 6 minutes.
PACED_WALL_RATIO, PACED_500K_SECONDS = 2.0, 360.0


def cell_key(way, size, changed):
    return "%s|%d|%g" % (way, size, changed)


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
                "items_done": median([r["item_reads"] if r["timed_out"] else r["size"] for r in used]),
                "cpu_all": median([r["module_cpu"] + r["controller_cpu"] for r in used]),
                "rss_all": median([r["module_rss_mb"] + r["controller_rss_mb"] for r in used])}
        for metric, _title, _digits in METRICS:
            cell[metric] = median([r[metric] for r in used])
            cell[metric + "_max"] = max(r[metric] for r in group)
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
        points = [c for c in cells.values() if c["way"] == "per_item" and c["measured"] and c["changed"] == changed and c["items_done"]]
        if not points:
            continue
        measured_sizes = {c["size"] for c in points}
        largest = max(points, key=lambda c: c["items_done"])
        for size in sizes:
            if size in measured_sizes:
                if cells[cell_key("per_item", size, changed)]["ok_runs"]:
                    continue
                # Cut short by its time bound: shown as measured, and extrapolated for the ratios.
                cells[cell_key("per_item_cut", size, changed)] = dict(cells[cell_key("per_item", size, changed)], way="per_item_cut")
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
            cell["cpu_all"] = cell["module_cpu"] + cell["controller_cpu"]
            cell["rss_all"] = None
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


def targets(cells):
    rows = []
    for size, changed, metric, most, unit in TARGETS:
        cell = cells.get(cell_key("sync", size, changed))
        if cell is not None:
            rows.append(target("N = {:,}, unchanged, lookup: module {} <= {:g} {}".format(size, "peak RSS" if "rss" in metric else "CPU", most, unit),
                               cell[metric + "_max"], most, unit, 1 if unit == "MB" else 2,
                               note="largest of %d run(s), median %s" % (cell["runs"], fmt(cell[metric], 1 if unit == "MB" else 2))))
    src, lookup = cells.get(cell_key("sync_src", 500000, 0)), cells.get(cell_key("sync", 500000, 0))
    if src and lookup:
        rows.append(target("N = 500,000, unchanged: src's CPU (controller + module) <= %gx lookup's" % SRC_CPU_RATIO,
                           ratio(src["cpu_all"], lookup["cpu_all"]), SRC_CPU_RATIO, "x",
                           note="%s against %s CPU-s" % (fmt(src["cpu_all"]), fmt(lookup["cpu_all"]))))
        rows.append(target("N = 500,000, unchanged: src's peak RSS (controller + module) <= %gx lookup's" % SRC_RSS_RATIO,
                           ratio(src["rss_all"], lookup["rss_all"]), SRC_RSS_RATIO, "x",
                           note="%s against %s MB" % (fmt(src["rss_all"], 1), fmt(lookup["rss_all"], 1))))
    if src:
        rows.append(target("N = 500,000, unchanged, src: module peak RSS <= %g MB" % SRC_MODULE_RSS_MB, src["module_rss_mb_max"],
                           SRC_MODULE_RSS_MB, "MB", 1, note="largest of %d run(s)" % src["runs"]))
    for way in ("sync", "sync_src"):
        paced, base = cells.get(cell_key(way, 100000, 0)), cells.get(cell_key("replace_all", 100000, 0))
        if paced and base:
            rows.append(target("N = 100,000, unchanged, %s: wall <= %gx replace all's" % (SHORT[way], PACED_WALL_RATIO),
                               ratio(paced["wall"], base["wall"]), PACED_WALL_RATIO, "x",
                               note="%s s against %s s, medians" % (fmt(paced["wall"], 1), fmt(base["wall"], 1))))
        paced = cells.get(cell_key(way, 500000, 0))
        if paced:
            rows.append(target("N = 500,000, unchanged, %s: wall <= %g s" % (SHORT[way], PACED_500K_SECONDS), paced["wall_max"],
                               PACED_500K_SECONDS, "s", 1, note="largest of %d run(s)" % paced["runs"]))
    for way in ("sync", "sync_src"):
        for changed in (0, 1):
            cell = cells.get(cell_key(way, 500000, changed))
            if cell is not None:
                met = cell["ok_runs"] == cell["runs"] and cell["answered_429_max"] == 0
                rows.append({"target": "N = 500,000, %d %% changed, %s: no failed task, right final state, no 429 at 1,200 per 300 s"
                             % (changed, SHORT[way]), "met": met, "result": "%s; %s requests, %d answered 429, %s s" % (
                                 ", ".join(sorted(set(cell["outcomes"]))), fmt(cell["requests"], 0), cell["answered_429_max"],
                                 fmt(cell["wall"], 0))})
    return rows


def _outcome(cell):
    outcomes = sorted(set(cell["outcomes"]))
    text = "; ".join(outcomes) if outcomes != ["ok"] else "ok"
    if cell["way"] == "per_item" and cell["stale_left"]:
        text += "; %s stale item(s) left" % fmt(cell["stale_left"], 0)
    return text


def ways_table(meta, cells):
    rows = []
    for size in meta["all_sizes"]:
        for changed in meta["changes"]:
            for way in WAYS + ("per_item_cut",):
                cell = cells.get(cell_key(way, size, changed))
                if cell is None:
                    continue
                values = [fmt(cell.get(k), d) for k, _t, d in METRICS]
                outcome = _outcome(cell)
                if not cell["measured"]:
                    values = ["*~%s*" % v if v != "-" else v for v in values]
                    values[-1] = "*>= %s*" % fmt(cell["controller_rss_mb"], 1)
                    outcome = "*extrapolated*"
                rows.append(["{:,}".format(size), "%g %%" % changed, LABEL[way], cell["runs"] or "-"] + values + [outcome])
    return table(["N", "changed", "way", "runs"] + [t for _k, t, _d in METRICS] + ["outcome"], "rrlr" + "r" * len(METRICS) + "l", rows)


def ratios_table(meta, cells):
    rows = []
    for size in meta["sizes"]:
        for changed in meta["changes"]:
            for way, against in PAIRS:
                sync, base = cells.get(cell_key(way, size, changed)), cells.get(cell_key(against, size, changed))
                if sync is None or base is None:
                    continue
                rows.append(["{:,}".format(size), "%g %%" % changed, "%s / %s%s" % (SHORT[way], SHORT[against], "" if base["measured"] else " (extrapolated)")]
                            + [fmt_ratio(sync[k], base[k]) for k in ("requests", "wall", "module_cpu", "module_rss_mb", "controller_cpu", "cpu_all")]
                            + [fmt_ratio(sync[k], base[k]) if base["measured"] else "-" for k in ("controller_rss_mb", "rss_all")])
    return table(["N", "changed", "ways", "requests", "wall", "module CPU", "module peak RSS", "controller CPU", "CPU, all",
                  "controller peak RSS", "peak RSS, all"], "rrl" + "r" * 8, rows)


def src_table(meta, cells):
    """The cost of passing the items: src against lookup(...).splitlines(), side by side."""
    rows = []
    for size in meta["sizes"]:
        for changed in meta["changes"]:
            src, lookup = cells.get(cell_key("sync_src", size, changed)), cells.get(cell_key("sync", size, changed))
            if not (src and lookup):
                continue
            for name, cell in (("lookup", lookup), ("src", src)):
                rows.append(["{:,}".format(size), "%g %%" % changed, name] + [fmt(cell[k], 2 if "cpu" in k else 1) for k in (
                    "controller_cpu", "controller_rss_mb", "module_cpu", "module_rss_mb", "cpu_all", "rss_all")])
            rows.append(["", "", "**src / lookup**"] + ["**%s**" % fmt_ratio(src[k], lookup[k]) for k in (
                "controller_cpu", "controller_rss_mb", "module_cpu", "module_rss_mb", "cpu_all", "rss_all")])
    if not rows:
        return []
    return ["**Items from a file: `src` against `lookup('ansible.builtin.file', feed).splitlines()`** (medians; "
            "together = controller + module, CPU summed, peak RSS of each added)", ""] + table(
        ["N", "changed", "items", "controller CPU (s)", "controller peak RSS (MB)", "module CPU (s)", "module peak RSS (MB)",
         "CPU, together (s)", "peak RSS, together (MB)"], "rrl" + "r" * 6, rows) + [""]


def markdown(results):
    meta = results["meta"]
    cells = extrapolate(summarize(results["runs"]), meta["sizes"], meta["changes"])
    results["cells"] = cells
    results["targets"] = targets(cells)
    meta["all_sizes"] = sorted({c["size"] for c in cells.values()})
    out = [run_header(meta), ""]
    out += ["**Each way at each size** (medians of the runs; *italics*: extrapolated from the per-item runs, not "
            "measured; module CPU is summed over every module process of a run, module RSS is the largest one)", ""]
    out += ways_table(meta, cells) + [""]
    out += src_table(meta, cells)
    ratios = ratios_table(meta, cells)
    if len(ratios) > 2:
        out += ["**Ratios** (medians; below 1x the first way uses less; 1/n: the second uses n times as much)", ""] + ratios + [""]
    if results["targets"]:
        out += ["**Targets** (absolute figures judged on the largest of the runs, ratios on medians)", ""] + targets_table(results["targets"])
    else:
        out.append("**Targets**: none of their cases was measured in this run.")
    return "\n".join(out) + "\n"
