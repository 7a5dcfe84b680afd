# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One rule among others: its identity (``ref``), what a task sets of it, how that compares, and its place.

Pure functions on plain data (the rules of an entry point as Cloudflare answers them, and the
module's parameters): no request, no AnsibleModule. Private to the collection: not a public API.
"""

import re

from ansible_collections.netedge.cloudflare.plugins.module_utils._options import check_list_name

# The entry-point phases of HTTP requests and responses (the ``http_*`` values of the phase enum in
# Cloudflare's OpenAPI document). ``ddos_*`` and ``magic_transit*`` phases hold managed rules or need
# products this collection does not cover.
PHASES = (
    "http_config_settings", "http_custom_errors", "http_log_custom_fields", "http_ratelimit",
    "http_request_cache_settings", "http_request_dynamic_redirect", "http_request_firewall_custom",
    "http_request_firewall_managed", "http_request_late_transform", "http_request_origin", "http_request_redirect",
    "http_request_sanitize", "http_request_sbfm", "http_request_select_configuration", "http_request_transform",
    "http_response_compression", "http_response_firewall_managed", "http_response_headers_transform",
)
DEFAULT_PHASE = "http_request_firewall_custom"

# Where the rules are: a zone (by name or id) or, with neither, the account; and the phase. Shared by the rule
# modules and documented by plugins/doc_fragments/ruleset.py (a unit test keeps the two in step).
RULESET_SPEC = dict(
    zone=dict(type="str"),
    zone_id=dict(type="str"),
    phase=dict(type="str", default=DEFAULT_PHASE),
)

# A ref names a rule in messages, diffs and positions: printable, no spaces, and short enough to read.
# Cloudflare asks only for one character or more; 256 is far above any ref a person writes, and a rule
# made elsewhere without a ref has its 32-character id as ref.
REF_RE = re.compile(r"[A-Za-z0-9_.:@-]{1,256}")
ZONE_ID_RE = re.compile(r"[0-9a-fA-F]{32}")
# A DNS name: labels of 1 to 63 letters, digits or hyphens (not at either end), at least two of them, 253 at most.
ZONE_LABEL_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
ZONE_NAME_MAX = 253
# Cloudflare's action names are lower-case words joined by '_' (RuleAction in its OpenAPI document).
ACTION_RE = re.compile(r"[a-z][a-z_]{0,63}")

# Quoted strings of an expression may hold a '$' that names no list; list references are ``$name``.
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
_LIST_REF_RE = re.compile(r"\$([A-Za-z0-9_][A-Za-z0-9_.]*)")
MANAGED_LIST_PREFIX = "cf."

# The read-only fields of a rule in Cloudflare's answers (readOnly in its OpenAPI document, and the id,
# which the request path names): never sent back. Every other field is part of the rule's definition,
# including those this collection has no option for (logging, ratelimit, exposed_credential_check...).
READ_ONLY_KEYS = ("id", "version", "last_updated", "categories")
# What a diff shows of a rule.
DIFF_FIELDS = ("ref", "action", "expression", "description", "enabled", "action_parameters")


def check_rule_options(params):
    """Every problem with the rule modules' own options, found before any request."""
    problems = check_scope_options(params)
    ref = params.get("ref")
    if ref is not None and not REF_RE.fullmatch(ref):
        problems.append("ref must be 1 to 256 letters, digits or the characters _ . : @ - (got %d characters)." % len(ref))
    if params.get("state", "present") != "present":
        return problems
    placed = [name for name in ("position", "before", "after") if params.get(name) is not None]
    if len(placed) > 1:
        problems.append("%s are mutually exclusive: give at most one place for the rule." % " and ".join(placed))
    for name in ("before", "after"):
        other = params.get(name)
        if other is None:
            continue
        if not REF_RE.fullmatch(other):
            problems.append("%s must be the ref of another rule: 1 to 256 letters, digits or the characters _ . : @ -." % name)
        elif other == ref:
            problems.append("%s names the rule itself (%s); give the ref of another rule." % (name, ref))
    for name in ("expression", "action"):
        if not params.get(name) or not str(params[name]).strip():
            problems.append("%s is required with state: present." % name)
    if params.get("action") and not ACTION_RE.fullmatch(params["action"]):
        problems.append("action must be one of Cloudflare's action names, lower-case, such as block, "
                        "managed_challenge, skip or redirect.")
    for name in expression_lists(params.get("expression") or ""):
        problems += check_list_name(name, option="the list $%s named in expression" % name)
    from_list = (params.get("action_parameters") or {}).get("from_list")
    if from_list is not None:
        if not isinstance(from_list, dict) or not isinstance(from_list.get("name"), str):
            problems.append("action_parameters.from_list must be a dictionary with the name of a redirect list (and key).")
        else:
            problems += check_list_name(from_list["name"], option="action_parameters.from_list.name")
    return problems


def check_scope_options(params):
    """Problems with zone, zone_id and phase (shared by cloudflare_rule and cloudflare_rule_info)."""
    problems = []
    zone, zone_id = params.get("zone"), params.get("zone_id")
    if zone is not None and zone_id is not None:
        problems.append("zone and zone_id are mutually exclusive: give the zone's name or its id (or neither for "
                        "the account's rules).")
    if zone_id is not None and not ZONE_ID_RE.fullmatch(zone_id):
        problems.append("zone_id must be the 32-character hexadecimal zone ID shown on the zone's overview page "
                        "(got %d characters)." % len(zone_id))
    if zone is not None and not is_zone_name(zone):
        problems.append("zone must be a domain name such as example.com (got %d characters)." % len(zone))
    if params.get("phase") not in PHASES:
        problems.append("phase must be one of %s." % ", ".join(PHASES))
    return problems


def is_zone_name(name):
    labels = name.split(".")
    return len(name) <= ZONE_NAME_MAX and len(labels) >= 2 and all(ZONE_LABEL_RE.fullmatch(label) for label in labels)


def expression_lists(expression):
    """The account lists an expression names (``$name``), in order, without Cloudflare's Managed Lists (``$cf.*``)."""
    names = []
    for name in _LIST_REF_RE.findall(_STRING_RE.sub('""', expression)):
        if not name.startswith(MANAGED_LIST_PREFIX) and name not in names:
            names.append(name)
    return names


def used_lists(params):
    """``[(name, kind or None)]``: the lists a rule needs, with the kind required (from_list needs a redirect list)."""
    needed = [(name, None) for name in expression_lists(params.get("expression") or "")]
    from_list = (params.get("action_parameters") or {}).get("from_list")
    if isinstance(from_list, dict) and isinstance(from_list.get("name"), str):
        needed = [(name, kind) for name, kind in needed if name != from_list["name"]]
        needed.append((from_list["name"], "redirect"))
    return needed


def wanted(params):
    """The fields the task sets: ``ref``, ``action``, ``expression``, ``enabled``, and the optional ones given."""
    fields = dict((name, params[name]) for name in ("ref", "action", "expression", "enabled"))
    for name in ("description", "action_parameters"):
        if params.get(name) is not None:
            fields[name] = params[name]
    return fields


def covers(held, want):
    """Whether ``held`` (Cloudflare's value) has everything ``want`` sets: dictionaries as a subset, anything else equal.

    Keys only in ``held`` are Cloudflare's (defaults, fields it adds): never a difference.
    """
    if isinstance(want, dict):
        return isinstance(held, dict) and all(key in held and covers(held[key], value) for key, value in want.items())
    if isinstance(want, bool) or isinstance(held, bool):
        return isinstance(held, bool) and isinstance(want, bool) and held == want
    return held == want


def differences(rule, fields):
    """The names of the fields the task sets that ``rule`` (as Cloudflare holds it) does not match, in order."""
    held = dict(rule)
    held.setdefault("description", "")
    held.setdefault("enabled", True)
    return [name for name in DIFF_FIELDS if name in fields and not covers(held.get(name), fields[name])]


def new_definition(rule, fields):
    """A PATCH body: the rule's whole new definition, the task's fields over every other field as Cloudflare holds it."""
    body = dict((key, value) for key, value in (rule or {}).items() if key not in READ_ONLY_KEYS)
    body.update(fields)
    return body


def find(rules, ref):
    """The index of the rule with that ref, or None."""
    for index, rule in enumerate(rules):
        if rule.get("ref") == ref:
            return index
    return None


def wanted_place(params):
    """``None`` (anywhere), ``("first", None)``, ``("last", None)``, ``("before", ref)`` or ``("after", ref)``."""
    if params.get("position") is not None:
        return (params["position"], None)
    for name in ("before", "after"):
        if params.get(name) is not None:
            return (name, params[name])
    return None


def in_place(rules, index, place):
    """Whether the rule at ``index`` of ``rules`` is where ``place`` asks (see wanted_place).

    ``first`` and ``last`` mean the very first and last rule. ``before X`` and ``after X`` mean anywhere
    before or after X: what decides which rule acts first is their order, so a rule placed before X that
    someone else's rule now separates from X is still before it, and is not moved again.
    """
    if place is None:
        return True
    how, other = place
    if how == "first":
        return index == 0
    if how == "last":
        return index == len(rules) - 1
    there = find(rules, other)
    return index < there if how == "before" else index > there


def position_body(rules, place):
    """The ``position`` of a POST or PATCH body for ``place``: rule ids, never refs, as Cloudflare requires."""
    how, other = place
    if how == "first":
        return {"before": ""}
    if how == "last":
        return {"after": ""}
    return {how: rules[find(rules, other)]["id"]}


def placed(rules, index, place, rule):
    """The rules in order once ``rule`` is at ``place``: ``index`` is where it is now (None when it is new)."""
    rest = [r for i, r in enumerate(rules) if i != index]
    if place is None:
        at = len(rest) if index is None else index
    elif place[0] == "first":
        at = 0
    elif place[0] == "last":
        at = len(rest)
    else:
        at = find(rest, place[1]) + (1 if place[0] == "after" else 0)
    return rest[:at] + [rule] + rest[at:]
