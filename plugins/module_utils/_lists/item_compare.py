# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One wanted item against one stored item: what differs, what to write back, and how to show it.

* differences() names the fields a wanted item sets to something else than the stored item has;
* write_form() is the JSON object that writes a stored item again in a replace-all, with the
  fields a wanted item sets;
* describe() is the one line that shows an item in a diff or a message.

A field the task does not set is never compared and never sent (items.py). Pure functions: no
Ansible, no HTTP. Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_formats as _fmt
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.items import DEFAULTS, IDENTITY_FIELDS, REDIRECT_OPTIONAL


def differences(kind, wanted_item, stored_item):
    """Sorted names of the fields that ``wanted_item`` sets to something other than ``stored_item`` has.

    A field the stored item lacks has Cloudflare's default; a comment that is absent, null or
    empty is the same empty comment. [] means the stored item is up to date.
    """
    stored = stored_item if isinstance(stored_item, dict) else {}
    changed = []
    if "comment" in wanted_item and (wanted_item["comment"] or "") != (stored.get("comment") or ""):
        changed.append("comment")
    wanted_fields = wanted_item.get(kind)
    if isinstance(wanted_fields, dict):
        stored_fields = stored.get(kind) if isinstance(stored.get(kind), dict) else {}
        for field, value in wanted_fields.items():
            current = stored_fields.get(field)
            if current is None:
                current = DEFAULTS.get(kind, {}).get(field)
            if field not in IDENTITY_FIELDS and current != value:
                changed.append(field)
    return sorted(changed)


def write_form(kind, stored_item, wanted_item=None):
    """The JSON object that writes ``stored_item`` again in a replace-all, with every field ``wanted_item`` sets.

    Only item fields are kept (the kind's field and comment): id, created_on and modified_on are
    Cloudflare's, and a field Cloudflare does not document could make it refuse the whole write.
    """
    stored = stored_item if isinstance(stored_item, dict) else {}
    form = {}
    value = stored.get(kind)
    if isinstance(value, dict):
        form[kind] = dict((name, field) for name, field in value.items() if field is not None)
    elif value is not None:
        form[kind] = value
    if stored.get("comment") is not None:
        form["comment"] = stored["comment"]
    for field, value in (wanted_item or {}).items():
        if isinstance(value, dict) and isinstance(form.get(field), dict):
            merged = dict(form[field])
            merged.update(value)
            form[field] = merged
        else:
            form[field] = dict(value) if isinstance(value, dict) else value
    return form


def describe(kind, item):
    """One short line for a diff or a message: "192.0.2.1  # build agent", "a.example/x -> https://b.example/ (301)"."""
    if not isinstance(item, dict):
        return "(unreadable item: %s)" % _fmt.excerpt(item)
    value = item.get(kind)
    fields = value if isinstance(value, dict) else {}
    if kind == "asn" and isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _fmt.MAX_ASN:
        text = "AS%d" % value
    elif kind == "hostname" and fields:
        text = _fmt.shown(fields.get("url_hostname"))
        if fields.get("exclude_exact_hostname") is False:
            text += " (exclude_exact_hostname: false)"
    elif kind == "redirect" and fields:
        status = fields.get("status_code") or DEFAULTS["redirect"]["status_code"]
        flags = [_fmt.shown(status)] + [name for name in REDIRECT_OPTIONAL[1:] if fields.get(name) is True]
        text = "%s -> %s (%s)" % (_fmt.shown(fields.get("source_url")), _fmt.shown(fields.get("target_url")), ", ".join(flags))
    else:
        text = _fmt.shown(value)
    comment = item.get("comment")
    return text + "  # " + _fmt.shown(comment) if comment else text
