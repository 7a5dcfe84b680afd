# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Feed: the items of a feed file given as ``src`` against ``lookup(...).splitlines()``, and the pacing, side by side.

The sync scenario's runs (scenarios/sync.py), narrowed to what a feed costs: an unchanged ``exact`` sync of
10,000, 100,000 and 500,000 items with ``src`` and with the lookup, and replace-all as the baseline of the
wall time, all at the default ``rate_budget``. Its tables go to the ``bench-feed`` block of docs/performance.md.
"""

from scenarios import sync

DOC_BLOCK = "bench-feed"


def add_arguments(parser):
    sync.add_arguments(parser, ways="sync,sync_src,replace_all", sizes="10000,100000,500000", changes="0")


def measure(args, ws, meta, checkpoint):
    return sync.measure(args, ws, meta, checkpoint, title="feed")


render = sync.render
failures = sync.failures
