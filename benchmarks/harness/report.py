# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Results files, Markdown tables, the targets table, and the results blocks of docs/performance.md."""

import json
import os

from harness.simulator import ROOT
from harness.stats import fmt

DOC = os.path.join(ROOT, "docs", "performance.md")


def save_json(results, folder, name):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=1, sort_keys=True)


def save(results, text, folder, scenario):
    """``<scenario>-latest.json`` (every run's figures) and ``<scenario>-latest.md`` (the tables)."""
    save_json(results, folder, "%s-latest.json" % scenario)
    with open(os.path.join(folder, "%s-latest.md" % scenario), "w", encoding="utf-8") as stream:
        stream.write(text)
    partial = os.path.join(folder, "%s-partial.json" % scenario)
    if os.path.exists(partial):
        os.remove(partial)


def load(path):
    with open(path, encoding="utf-8") as stream:
        return json.load(stream)


def table(header, align, rows):
    """A Markdown table: ``align`` is one of ``l`` or ``r`` per column."""
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    out += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return out


def run_header(meta):
    """One paragraph: when, with which options, the collection measured, the machine, the simulator, the load."""
    machine = meta["machine"]
    source = meta.get("source") or {}
    parts = ["Run of %s, options `%s`; %.0f min in all." % (meta["started"], meta["options"], meta.get("seconds", 0) / 60)]
    if source:
        parts.append("Collection: %s %s%s." % (source.get("kind", "?"), (source.get("commit") or "?")[:12],
                                               " with uncommitted changes" if source.get("dirty") else ""))
    parts.append("Machine: %s cores (%s), %s GB, Linux %s, Python %s, ansible-core %s, requests %s." % (
        machine["nproc"], machine["cpu_model"], machine.get("memory_gb", "?"), machine["kernel"], machine["python"],
        machine["ansible_core"], machine.get("requests", "?")))
    if meta.get("sim_flags"):
        parts.append("Simulator: `%s`." % " ".join(meta["sim_flags"]))
    parts.append("Load average before / after: %s / %s." % (meta["load_before"], meta.get("load_after", "-")))
    return " ".join(parts)


def target(name, value, most, unit="", digits=2, scenario=None, note=None):
    """One target row: ``value`` against ``most`` (met when at most), or not measured when ``value`` is None."""
    row = {"target": name, "value": value, "most": most}
    if scenario is not None:
        row["scenario"] = scenario
    if value is None:
        row.update(met=None, result="not measured")
        return row
    shown = ("%sx" % fmt(value, digits)) if unit == "x" else ("%s%s" % (fmt(value, digits), (" " + unit) if unit else ""))
    share = 100.0 * value / most if most else 0
    row.update(met=value <= most, result="%s, %.0f %% of the target%s" % (shown, share, "; " + note if note else ""))
    return row


def targets_table(rows):
    """The targets as a table, with a scenario column when any row names one."""
    with_scenario = any("scenario" in row for row in rows)
    lines = []
    for row in rows:
        verdict = "not measured" if row["met"] is None else "met" if row["met"] else "**not met**"
        cells = [row["target"], row["result"], verdict]
        lines.append(([row.get("scenario", "")] if with_scenario else []) + cells)
    header = (["scenario"] if with_scenario else []) + ["target", "result", ""]
    return table(header, "l" * len(header), lines)


def write_doc(text, block):
    """Put ``text`` into docs/performance.md between ``<!-- block:begin -->`` and ``<!-- block:end -->``."""
    begin_mark, end_mark = "<!-- %s:begin -->" % block, "<!-- %s:end -->" % block
    with open(DOC, encoding="utf-8") as stream:
        doc = stream.read()
    begin, end = doc.find(begin_mark), doc.find(end_mark)
    if begin < 0 or end < begin:
        raise RuntimeError("%s has no %s ... %s block" % (DOC, begin_mark, end_mark))
    doc = doc[:begin + len(begin_mark)] + "\n" + text + doc[end:]
    with open(DOC, "w", encoding="utf-8") as stream:
        stream.write(doc)
