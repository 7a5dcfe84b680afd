# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the list item tests share: normalising entries, and items as Cloudflare stores them."""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import items as _items

# A redirect with only its required fields.
REDIRECT = {"source_url": "example.com/a", "target_url": "https://b.example/"}


def normalized(kind, entries):
    """The wanted items of entries that must have no problem."""
    wanted, problems = _items.normalize_items(kind, entries)
    assert problems == []
    return wanted


def only_problem(kind, entry):
    """The one problem an entry must have."""
    wanted, problems = _items.normalize_items(kind, [entry])
    assert len(problems) == 1, problems
    return problems[0]


def stored(kind, value, comment=None, **extra):
    """An item as Cloudflare answers it: with its id and dates, and its comment if it has one."""
    item = {"id": "2c0fc9fa937b11eaa1b71c4d701ab86e", kind: value,
            "created_on": "2020-01-01T08:00:00Z", "modified_on": "2020-01-10T14:00:00Z"}
    if comment is not None:
        item["comment"] = comment
    item.update(extra)
    return item
