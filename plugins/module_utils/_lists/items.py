# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place that knows what a Rules List item is.

* normalize_items() turns a task's ``items`` into the exact JSON objects to write, keyed by
  identity, and lists every problem at once (each names its ``items[i]``), before any request.
* item_keys.py (item_key(), alias_keys(), stored_aliases(), search_term()) tells which stored item
  is which wanted one, and how to find it in a list.
* item_compare.py (differences(), write_form(), describe()) compares, rewrites and shows one item.

A field the task does not set is never compared and never sent, so a task that lists bare
addresses does not wipe the comments someone else wrote. Pure functions: no Ansible, no HTTP.
Private to the collection: not a public API. The value formats are in item_formats.py.
"""

import re

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_formats as _fmt

KINDS = ("ip", "hostname", "asn", "redirect")

REDIRECT_OPTIONAL = ("status_code", "include_subdomains", "subpath_matching", "preserve_query_string", "preserve_path_suffix")
REDIRECT_FIELDS = ("source_url", "target_url") + REDIRECT_OPTIONAL
HOSTNAME_FIELDS = ("url_hostname", "exclude_exact_hostname")
# Cloudflare's documented defaults: what a stored item means when it lacks the field.
DEFAULTS = {
    "redirect": {"status_code": 301, "include_subdomains": False, "subpath_matching": False,
                 "preserve_query_string": False, "preserve_path_suffix": False},
    "hostname": {"exclude_exact_hostname": True},
}
# Fields that are part of an item's identity, never a difference between two items of one key.
IDENTITY_FIELDS = ("url_hostname", "source_url")
_TOP_FIELDS = {
    "ip": ("ip", "comment"),
    "asn": ("asn", "comment"),
    "hostname": ("hostname", "url_hostname", "exclude_exact_hostname", "comment"),
    "redirect": REDIRECT_FIELDS + ("comment",),
}
# The kind of list each field belongs to, to tell a user who mixed kinds which list takes it.
_FIELD_KIND = dict([(field, "redirect") for field in ("redirect",) + REDIRECT_FIELDS]
                   + [(field, "hostname") for field in ("hostname",) + HOSTNAME_FIELDS] + [("ip", "ip"), ("asn", "asn")])
_ARTICLE = {"ip": "an", "asn": "an", "hostname": "a", "redirect": "a"}
_PLAIN_FORM = {
    "ip": "an address or CIDR as a string, or a mapping with 'ip'",
    "hostname": "a hostname as a string, or a mapping with 'url_hostname' or 'hostname'",
    "asn": "a number, text such as 'AS13335', or a mapping with 'asn'",
    "redirect": "a mapping with source_url and target_url",
}
# 300: a problem is one line of a failure message, whatever the values; every part is already
# an excerpt, so this only bounds the sum.
MAX_PROBLEM = 300
_SHOWN_KEYS = 3


_IP_CHARS = re.compile(r"[0-9A-Fa-f:./\s]+").fullmatch


def kinds_named(entries, limit=1000):
    """How many of the first ``limit`` entries look like items of each kind.

    A mapping counts for the kinds whose fields it uses; text with a digit and only the characters
    of an address for ip, other text for hostname; a number for asn. The kind of a list is only known
    after a request; this orders the guesses made before it, so that redirect fields are checked
    as a redirect and not as a malformed IP, and an IP typo as an IP and not as a hostname.
    """
    counts = dict((kind, 0) for kind in KINDS)
    for entry in (entries or [])[:limit] if isinstance(entries, (list, tuple)) else ():
        if isinstance(entry, dict):
            for kind in set(_FIELD_KIND.get(key) for key in entry if isinstance(key, str)) - {None}:
                counts[kind] += 1
        elif isinstance(entry, str):
            counts["ip" if _IP_CHARS(entry) and any(char.isdigit() for char in entry[:64]) else "hostname"] += 1
        elif isinstance(entry, int) and not isinstance(entry, bool):
            counts["asn"] += 1
    return counts


def item_of(kind, key, value):
    """The item to write for a ``wanted`` entry: with ``compact``, normalize_items keeps an item that is only
    its key as the key itself."""
    return {kind: key} if value.__class__ is str else value


def normalize_items(kind, entries, max_problems=20, compact=False):
    """(wanted, problems): the items to write keyed by item_key(), in first-seen order, and what is wrong.

    Duplicates (equal keys) are merged into one item; a field two of them set differently is a
    problem naming both. At most ``max_problems`` problems are listed, then a count of the rest.
    When there are problems the task must be refused, and ``wanted`` may be partial.
    With ``compact``, an IP item that is only its address (no comment) is kept as its key (the same
    string, no more memory) instead of ``{"ip": key}``: half a million such dicts cost about 90 MB;
    item_of() gives the item back, and the planner keeps this one string for an item it finds.
    """
    wanted = {}
    if kind not in KINDS:
        return wanted, ["unknown list kind %s: it is one of %s." % (_fmt.excerpt(kind), ", ".join(KINDS))]
    if entries is None:
        entries = []
    if not isinstance(entries, (list, tuple)):
        return wanted, ["items must be a list, not %s." % _fmt.type_name(entries)]
    listed = []
    more = 0
    # key -> position of its first entry. Built only when a conflict is to be listed (by one more
    # pass over the entries before it), so a large clean list costs no memory for it.
    first_seen = None
    entry_of = _ENTRY[kind]
    ipv4 = _fmt.IPV4_CANONICAL if kind == "ip" else None
    for position, entry in enumerate(entries):
        # Fast path for the bulk of an IP feed: canonical dotted-quad text, as in most feeds.
        if ipv4 is not None and entry.__class__ is str and ipv4(entry):
            if entry not in wanted:
                wanted[entry] = entry if compact else {"ip": entry}
                if first_seen is not None:
                    first_seen[entry] = position
            continue
        key, item, problems = entry_of(entry, position)
        if key is not None:
            known = wanted.get(key)
            if known.__class__ is str:
                known = wanted[key] = item_of(kind, key, known)
            if known is None:
                wanted[key] = item
                if first_seen is not None:
                    first_seen[key] = position
            else:
                conflicts = _merge(kind, known, item)
                if conflicts and len(listed) < max_problems:
                    if first_seen is None:
                        first_seen = _first_positions(kind, entries, position)
                    problems = [_conflict(key, position, first_seen[key], conflicts)]
                elif conflicts:
                    problems = [None]
        for problem in problems:
            if len(listed) < max_problems:
                listed.append(problem if len(problem) <= MAX_PROBLEM else problem[:MAX_PROBLEM - 3] + "...")
            else:
                more += 1
                first_seen = None  # no more problems are listed, so no position is needed again
    if more:
        listed.append("... and %d more problems." % more)
    return wanted, listed


# ---------------------------------------------------------------------------------------------
# One entry of ``items`` -> (key, item, problems); key and item are None when there are problems.

def _ip_entry(entry, position):
    problems, comment, value, path, _mixed = _start("ip", entry, position, ".ip")
    key = None
    if isinstance(value, str):
        key, message = _fmt.ip_value(value)
        if message:
            problems.append(_problem(position, path, value, message))
    return _done(problems, key, {"ip": key}, comment)


def _asn_entry(entry, position):
    problems, comment, value, path, _mixed = _start("asn", entry, position, ".asn", (int, str))
    key = None
    if value is not None:
        key, message = _fmt.asn_value(value)
        if message:
            problems.append(_problem(position, path, value, message))
    return _done(problems, key, {"asn": key}, comment)


def _hostname_entry(entry, position):
    problems, comment, value, path, mixed = _start("hostname", entry, position, ".url_hostname")
    exclude = None
    if isinstance(entry, dict):
        nested = entry.get("hostname")
        excludes = [(".exclude_exact_hostname", entry.get("exclude_exact_hostname"))]
        if nested is not None and entry.get("url_hostname") is not None:
            problems.append("items[%d]: give the hostname once, as url_hostname or as hostname." % position)
        elif isinstance(nested, dict):
            problems += _unknown_keys(position, ".hostname", nested, HOSTNAME_FIELDS, "hostname")
            path, value = ".hostname.url_hostname", nested.get("url_hostname")
            excludes.append((".hostname.exclude_exact_hostname", nested.get("exclude_exact_hostname")))
        elif nested is not None:
            path, value = ".hostname", nested
        if nested is None and entry.get("url_hostname") is None and not mixed:
            problems.append("items[%d]: no url_hostname (or hostname) field." % position)
        for where, raw in excludes:
            if raw is not None:
                parsed, message = _fmt.bool_value(raw)
                if message:
                    problems.append(_problem(position, where, raw, message))
                elif exclude is not None and parsed != exclude:
                    problems.append("items[%d]: exclude_exact_hostname is set twice, to different values." % position)
                exclude = parsed if exclude is None else exclude
        if value is not None and not isinstance(value, str):
            problems.append(_problem(position, path, value, "must be a string, not %s." % _fmt.type_name(value)))
    host = None
    if isinstance(value, str):
        host, message = _fmt.hostname_value(value)
        if message:
            problems.append(_problem(position, path, value, message))
        elif exclude is not None and not host.startswith("*."):
            problems.append(_problem(position, path, value, "exclude_exact_hostname only applies to a wildcard "
                                     "hostname such as *.example.com."))
    fields = {"url_hostname": host}
    if exclude is not None:
        fields["exclude_exact_hostname"] = exclude
    return _done(problems, host, {"hostname": fields}, comment)


def _redirect_entry(entry, position):
    if not isinstance(entry, dict):
        return None, None, [_wrong_type("redirect", entry, position)]
    nested = "redirect" in entry
    problems, comment, mixed = _mapping_checks("redirect", entry, position, ("redirect", "comment") if nested else None)
    fields, path = (entry.get("redirect"), ".redirect") if nested else (entry, "")
    if not isinstance(fields, dict):
        problems.append("items[%d].redirect: must be a mapping with source_url and target_url, not %s."
                        % (position, _fmt.type_name(fields)))
        return None, None, problems
    if nested:
        problems += _unknown_keys(position, path, fields, REDIRECT_FIELDS, "redirect")
    redirect = {}
    for field in REDIRECT_FIELDS:
        raw = fields.get(field)
        if raw is None:
            if field in ("source_url", "target_url") and not mixed:
                problems.append("items[%d]%s: %s is required." % (position, path, field))
            continue
        value, message = _CHECKS.get(field, _fmt.bool_value)(raw)
        if message:
            problems.append(_problem(position, "%s.%s" % (path, field), raw, message))
        redirect[field] = value
    if redirect.get("preserve_query_string") and "?" in (redirect.get("target_url") or ""):
        problems.append("items[%d]%s.target_url: has a query string, which Cloudflare accepts only when "
                        "preserve_query_string is false." % (position, path))
    return _done(problems, redirect.get("source_url"), {"redirect": redirect}, comment)


_ENTRY = {"ip": _ip_entry, "hostname": _hostname_entry, "asn": _asn_entry, "redirect": _redirect_entry}
_CHECKS = {"source_url": _fmt.source_url_value, "target_url": _fmt.target_url_value, "status_code": _fmt.status_code_value}


def _start(kind, entry, position, path, plain_types=(str,)):
    """(problems, comment, value, path, mixed) of an entry that is either a plain value or a mapping."""
    if isinstance(entry, dict):
        problems, comment, mixed = _mapping_checks(kind, entry, position)
        value = entry.get(path[1:])
        if value is None and not mixed and kind != "hostname":
            problems.append("items[%d]: no '%s' field." % (position, kind))
        elif value is not None and (isinstance(value, bool) or not isinstance(value, plain_types)):
            problems.append(_problem(position, path, value, "must be %s, not %s."
                                     % (_PLAIN_FORM[kind].split(", or")[0], _fmt.type_name(value))))
            value = None
        return problems, comment, value, path, mixed
    if isinstance(entry, plain_types) and not isinstance(entry, bool):
        return [], None, entry, "", False
    return [_wrong_type(kind, entry, position)], None, None, "", False


def _mapping_checks(kind, entry, position, allowed=None):
    """(problems, comment, mixed) for the keys and comment of a mapping entry; mixed: it has another kind's field."""
    problems = []
    foreign = [key for key in entry if isinstance(key, str) and _FIELD_KIND.get(key, kind) != kind]
    if foreign:
        other = _FIELD_KIND[foreign[0]]
        problems.append("items[%d]: '%s' is a field of %s %s list's items, and this is %s %s list (its items take %s)."
                        % (position, foreign[0], _ARTICLE[other], other, _ARTICLE[kind], kind, _PLAIN_FORM[kind]))
    allowed = _TOP_FIELDS[kind] if allowed is None else allowed
    problems += _unknown_keys(position, "", [key for key in entry if key not in foreign], allowed, kind)
    comment = entry.get("comment")
    if comment is not None and not isinstance(comment, str):
        problems.append("items[%d].comment: must be a string, not %s." % (position, _fmt.type_name(comment)))
    return problems, str(comment) if isinstance(comment, str) else None, bool(foreign)


def _unknown_keys(position, path, keys, allowed, kind):
    unknown = [key for key in keys if key not in allowed]
    if not unknown:
        return []
    shown = ", ".join(_fmt.excerpt(key, 30) for key in unknown[:_SHOWN_KEYS])
    if len(unknown) > _SHOWN_KEYS:
        shown += " and %d more" % (len(unknown) - _SHOWN_KEYS)
    return ["items[%d]%s: unknown key%s %s (%s %s list item takes %s)."
            % (position, path, "s" if len(unknown) > 1 else "", shown, _ARTICLE[kind], kind, ", ".join(allowed))]


def _done(problems, key, item, comment):
    if problems or key is None:
        return None, None, problems
    if comment is not None:
        item["comment"] = comment
    return key, item, ()


def _wrong_type(kind, entry, position):
    return "items[%d] %s: %s %s list item is %s, not %s." % (
        position, _fmt.excerpt(entry), _ARTICLE[kind], kind, _PLAIN_FORM[kind], _fmt.type_name(entry))


def _problem(position, path, value, message):
    return "items[%d]%s %s: %s" % (position, path, _fmt.excerpt(value), message)


def _merge(kind, known, item):
    """Fold into ``known`` the fields only ``item`` sets; [(field, known's value, item's value)] for the fields both set differently."""
    conflicts = []
    pairs = [(known, item)]
    if isinstance(item.get(kind), dict):
        pairs.append((known[kind], item[kind]))
    for mine, theirs in pairs:
        for field, value in theirs.items():
            if field == kind or field in IDENTITY_FIELDS:
                continue
            if field not in mine:
                mine[field] = value
            elif mine[field] != value:
                conflicts.append((field, mine[field], value))
    return conflicts


def _conflict(key, position, first, conflicts):
    field, there, here = conflicts[0]
    text = "items[%d] %s: the same item as items[%d], with a different %s (%s here, %s there)" % (
        position, _fmt.excerpt(key), first, field, _fmt.excerpt(here, 30), _fmt.excerpt(there, 30))
    if len(conflicts) > 1:
        text += " and a different " + ", ".join(name for name, _there, _here in conflicts[1:])
    return text + "."


def _first_positions(kind, entries, stop):
    seen = {}
    entry_of = _ENTRY[kind]
    for position in range(stop):
        key = entry_of(entries[position], position)[0]
        if key is not None and key not in seen:
            seen[key] = position
    return seen
