# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scenarios on the harness. Each module has ``DOC_BLOCK`` (its results block in docs/performance.md),
``add_arguments(parser)``, ``measure(args, workspace, meta, checkpoint)`` (the results, with ``meta``),
``render(results)`` (Markdown) and ``failures(results)`` (lines that make the run exit 1).

- ``wait``: cloudflare_list_bulk_operation_info against uri + until (wait.py; wait_startup.py, wait_report.py);
- ``sync``: cloudflare_list_items (items from a lookup, or src) against replace-all and per-item uri
  (sync.py; sync_report.py);
- ``feed``: the sync's runs narrowed to src against the lookup and the pacing (feed.py).

A scenario for the rule modules would be ``rules.py`` here, its playbooks in benchmarks/playbooks/, and one
line in bench.py's SCENARIOS.
"""
