# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place that knows the Rulesets API's calls: zones by name, a phase's entry point, and per-rule writes.

Every call goes through the one client (_api/client.py), which owns retries. These functions build
paths and bodies and check the shape of what comes back; nothing here ever replaces a whole ruleset
(no PUT): a rule is added, changed or deleted with the call that touches that rule alone.
No AnsibleModule here. Private to the collection: not a public API.
"""

import re

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, excerpt

# Ids that Cloudflare's answers give and that go into request paths: 32 hexadecimal characters.
_ID_RE = re.compile(r"[0-9a-fA-F]{32}")
# Cloudflare's answer when a phase has no entry point (observed; not promised, hence the 200 with no ruleset too).
ENTRYPOINT_MISSING_CODE = 10003
# The name Cloudflare's dashboard gives the entry points it makes.
ENTRYPOINT_NAME = "default"
# The token permissions (to read, to change) that rules need, any one of a tuple doing.
ZONE_PERMISSIONS = ("Zone WAF Read", "Zone WAF Write")
ACCOUNT_PERMISSIONS = (("Account Rulesets Read", "Account WAF Read", "Mass URL Redirects Read"),
                       ("Account Rulesets Write", "Account WAF Write", "Mass URL Redirects Write"))
ZONE_READ_PERMISSIONS = ("Zone Read", "Zone Read")
RULESET_FIELDS = ("id", "phase", "kind", "version", "num_rules")


class Scope:
    """Where an entry point lives: a zone (found by id, or by name) or the account."""

    def __init__(self, account_id, zone_id=None, zone_name=None):
        self.account_id = account_id
        self.zone_id = zone_id
        self.zone_name = zone_name

    @property
    def is_zone(self):
        return self.zone_id is not None

    @property
    def path(self):
        return "/zones/%s" % self.zone_id if self.is_zone else "/accounts/%s" % self.account_id

    @property
    def kind(self):
        """The kind of this scope's entry points."""
        return "zone" if self.is_zone else "root"

    @property
    def permissions(self):
        return ZONE_PERMISSIONS if self.is_zone else ACCOUNT_PERMISSIONS

    @property
    def holder(self):
        """What a token needs its permission for, in messages."""
        if not self.is_zone:
            return "account %s" % self.account_id
        return "zone %s" % (self.zone_name or self.zone_id)

    def describe(self, phase):
        """``the http_request_firewall_custom entry point of zone example.com (023e...)``."""
        if not self.is_zone:
            where = "account %s" % self.account_id
        elif self.zone_name:
            where = "zone %s (%s)" % (self.zone_name, self.zone_id)
        else:
            where = "zone %s" % self.zone_id
        return "the %s entry point of %s" % (phase, where)


def find_zone(client, name, account_id):
    """The zone named ``name`` (a dict with ``id`` and ``name``), or None. One request.

    A token may see zones of several accounts: when more than one zone has the name, the one of
    ``account_id`` is taken, and CloudflareError says so when that is not enough to choose.
    """
    result = client.get("/zones", params={"name": name.lower()})
    if not isinstance(result, list):
        raise CloudflareError("Cloudflare's answer to finding zone %s is not an array: %s" % (name, excerpt(result)), status=200)
    found = [zone for zone in result if isinstance(zone, dict) and str(zone.get("name", "")).lower() == name.lower()
             and isinstance(zone.get("id"), str) and _ID_RE.fullmatch(zone["id"])]
    if len(found) > 1:
        found = [zone for zone in found if (zone.get("account") or {}).get("id") == account_id] or found
    if len(found) > 1:
        raise CloudflareError("%d zones named %s are visible to these credentials; give zone_id to choose one"
                              % (len(found), name))
    return found[0] if found else None


def entrypoint_path(scope, phase):
    return "%s/rulesets/phases/%s/entrypoint" % (scope.path, phase)


def shape_ruleset(value, doing):
    """The ruleset of an answer (its rules a list of dicts, its id safe for a path), or CloudflareError."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not _ID_RE.fullmatch(value["id"]):
        raise CloudflareError("Cloudflare's answer to %s is not a ruleset: %s" % (doing, excerpt(value)), status=200)
    rules = value.get("rules")
    if rules is None:
        rules = []
    if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
        raise CloudflareError("Cloudflare's answer to %s has rules that are not a list of rules: %s"
                              % (doing, excerpt(rules)), status=200)
    value = dict(value)
    value["rules"] = rules
    return value


def summary(ruleset):
    """What the modules return about a ruleset: its id, phase, kind, version and number of rules; None for none."""
    if ruleset is None:
        return None
    view = dict((field, ruleset.get(field)) for field in RULESET_FIELDS if field != "num_rules")
    view["num_rules"] = len(ruleset.get("rules") or [])
    return view


def get_entrypoint(client, scope, phase):
    """The phase's entry point ruleset with its rules, or None when the phase has none.

    Cloudflare answers a phase without one with HTTP 404 and code 10003; an answer of 200 without a
    ruleset means the same.
    """
    try:
        result = client.get(entrypoint_path(scope, phase), null_ok=True)
    except CloudflareError as err:
        if err.status == 404 and ENTRYPOINT_MISSING_CODE in err.codes():
            return None
        raise
    if result is None or result == {} or result == []:
        return None
    return shape_ruleset(result, "reading %s" % scope.describe(phase))


def create_entrypoint(client, scope, phase, rule):
    """POST /{scope}/rulesets: the phase's entry point, holding only ``rule``. Cloudflare refuses it when one exists."""
    body = {"name": ENTRYPOINT_NAME, "kind": scope.kind, "phase": phase, "rules": [rule]}
    return shape_ruleset(client.post("%s/rulesets" % scope.path, body), "creating %s" % scope.describe(phase))


def _rule_path(scope, ruleset_id, rule_id=None):
    path = "%s/rulesets/%s/rules" % (scope.path, ruleset_id)
    if rule_id is None:
        return path
    if not _ID_RE.fullmatch(rule_id or ""):
        raise CloudflareError("Cloudflare gave rule id %s, which is not 32 hexadecimal characters" % excerpt(rule_id), status=200)
    return "%s/%s" % (path, rule_id)


def add_rule(client, scope, ruleset_id, rule, position=None):
    """POST one rule into the ruleset (last unless ``position``); Cloudflare answers the whole ruleset."""
    body = dict(rule)
    if position is not None:
        body["position"] = position
    return shape_ruleset(client.post(_rule_path(scope, ruleset_id), body), "adding a rule")


def update_rule(client, scope, ruleset_id, rule_id, definition=None, position=None):
    """PATCH one rule: its whole new definition, and/or its new ``position``. The rule keeps its id."""
    body = dict(definition or {})
    if position is not None:
        body["position"] = position
    return shape_ruleset(client.patch(_rule_path(scope, ruleset_id, rule_id), body), "updating a rule")


def delete_rule(client, scope, ruleset_id, rule_id):
    """DELETE one rule; Cloudflare answers the whole ruleset (some answers carry none, which is fine)."""
    return client.delete(_rule_path(scope, ruleset_id, rule_id))
