# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one harness of the benchmarks: processes and their rusage, the simulator, the work folder, figures, reports.

- ``processes``: the launcher that starts and reaps every measured command (wall, CPU and peak RSS of the
  tree), the sampler of the controller's own peak RSS, and the interpreter shim that notes each module process;
- ``simulator``: tests/simulator/cloudflare_sim.py as a child process, and the admin calls the scenarios need;
- ``workspace``: the work folder, the collection measured (the commit at HEAD, or the checkout), a clean
  environment, and one measured run;
- ``stats``: medians, ratios, number formats, the machine;
- ``report``: results files, Markdown tables, the targets table and the results blocks of docs/performance.md.
"""
