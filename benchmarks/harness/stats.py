# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Medians, ratios, how numbers are printed, and the machine a run was measured on."""

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def fmt(value, digits=2):
    """``-`` for None; whole numbers as they are (``1,001``); others with ``digits`` decimals (0: rounded)."""
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return "{:,}".format(value)
    if isinstance(value, float) and digits == 0:
        return "{:,}".format(int(round(value)))
    if isinstance(value, float):
        return "{:,.{}f}".format(value, digits)
    return str(value)


def fmt_ratio(numerator, denominator, digits=2):
    """``0.33x``; ``12x`` from 10; ``1/337`` below 0.1 (the baseline takes 337 times as much)."""
    value = ratio(numerator, denominator)
    if value is None:
        return "-"
    if value < 0.1:
        return "1/{:,.0f}".format(1 / value) if value else "0"
    return ("%.*fx" % (digits, value)) if value < 10 else ("%.0fx" % value)


def numbers(text, kind=int):
    """``"1000,10000"`` as [1000, 10000]."""
    return [kind(v) for v in str(text).split(",") if v.strip()]


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def load_average():
    return " ".join("%.2f" % v for v in os.getloadavg())


def machine_info(python):
    """The venv's Python, ansible-core and requests; the CPU, its count, memory and kernel."""
    code = ("import json, platform, sys, ansible.release, requests\n"
            "print(json.dumps({'python': platform.python_version(), 'ansible_core': ansible.release.__version__,"
            " 'requests': requests.__version__, 'executable': sys.executable}))")
    info = json.loads(subprocess.run([python, "-c", code], capture_output=True, check=True).stdout)
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            info["memory_gb"] = round(int(stream.readline().split()[1]) / 1024.0 / 1024.0)
    except (OSError, ValueError, IndexError):
        pass
    info.update(nproc=os.cpu_count(), cpu_model=model, kernel=platform.release(), system=platform.system())
    return info
