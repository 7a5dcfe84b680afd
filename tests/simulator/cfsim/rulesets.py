# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rulesets: the rulesets of each scope (a zone or an account) and the checks on rules.  Runs under Simulator._lock.

A scope holds rulesets by id; a phase's entry point is its ruleset of kind ``zone`` (zone scope)
or ``root`` (account scope).  Rules are stored as answer-ready dicts in order; what an answer adds
(``answer_extras``) is added when it is written, so a setting change applies at once.  Rules that
name lists (``$name`` in the expression, ``action_parameters.from_list.name``) count in those
lists' ``referencing_filters``, so a list in use cannot be deleted.
"""

import copy
import json
import re

from .common import ID_RE, ApiError, error, fail

PHASES = (
    "ddos_l4", "ddos_l7", "http_config_settings", "http_custom_errors", "http_log_custom_fields", "http_ratelimit",
    "http_request_cache_settings", "http_request_dynamic_redirect", "http_request_firewall_custom", "http_request_firewall_managed",
    "http_request_late_transform", "http_request_origin", "http_request_redirect", "http_request_sanitize", "http_request_sbfm",
    "http_request_select_configuration", "http_request_transform", "http_response_compression", "http_response_firewall_managed",
    "http_response_headers_transform", "magic_transit", "magic_transit_ids_managed", "magic_transit_managed",
)
ACTIONS = ("block", "challenge", "compress_response", "ddos_dynamic", "execute", "force_connection_close", "js_challenge", "log",
           "log_custom_field", "managed_challenge", "redirect", "rewrite", "route", "score", "serve_error", "set_cache_settings",
           "set_config", "skip")
# The actions Cloudflare's docs give for the phases the collection uses; other phases take any action.
PHASE_ACTIONS = {
    "http_request_firewall_custom": ("block", "challenge", "js_challenge", "managed_challenge", "log", "skip"),
    "http_ratelimit": ("block", "challenge", "js_challenge", "managed_challenge", "log"),
    "http_request_redirect": ("redirect",),
    "http_request_dynamic_redirect": ("redirect",),
    "http_request_late_transform": ("rewrite",),
    "http_request_transform": ("rewrite",),
    "http_response_headers_transform": ("rewrite",),
}
RULE_KEYS = ("ref", "action", "expression", "description", "enabled", "action_parameters", "logging", "ratelimit")
RULESET_KINDS = ("managed", "custom", "root", "zone")
STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
LIST_REF_RE = re.compile(r"\$([A-Za-z0-9_][A-Za-z0-9_.]*)")
MADE_ELSEWHERE_REF = "made_elsewhere"

# Cloudflare's code and text for a second entry point, as users report them (with source pointer /kind;
# terraform-provider-cloudflare #6273, 2025; older reports show only "exceeded maximum number of zone rulesets for phase '...'").
E_ENTRYPOINT_EXISTS = (20217, "'{kind}' is not a valid value for kind because exceeded maximum number of {kind} rulesets for phase {phase}")
# Observed (not promised) answer for a phase without an entry point (setting entrypoint_missing: 404).
E_ENTRYPOINT_MISSING = (10003, "could not find entrypoint ruleset")
# The simulator's own codes (Cloudflare documents none for these).
E_RULE_INVALID = (10120, "invalid rule")
E_REF_TAKEN = (10121, "duplicate rule ref")
E_RULESET_INVALID = (10122, "invalid ruleset")
E_RULESET_NOT_FOUND = (10123, "could not find ruleset")
E_RULE_NOT_FOUND = (10124, "could not find rule")
E_RULE_LIMIT = (10125, "exceeded maximum number of rules in the phase")
E_POSITION = (10126, "invalid rule position")
# The two variants of setting missing_list_error: (HTTP status, code, text with {name}).
MISSING_LIST_ERRORS = {
    "unknown_list": (400, 10127, "unknown list '{name}': no list of that name in the account"),
    "filter_parse": (400, 10014, "filter parsing error: '{name}' is not a valid list reference"),
}


def list_names(rule):
    """The account list names a rule uses: ``$name`` in its expression (not ``$cf.*``) and ``from_list.name``."""
    expression = rule.get("expression")
    names = set()
    if isinstance(expression, str):
        names.update(name for name in LIST_REF_RE.findall(STRING_RE.sub('""', expression)) if not name.startswith("cf."))
    params = rule.get("action_parameters")
    from_list = params.get("from_list") if isinstance(params, dict) else None
    if isinstance(from_list, dict) and isinstance(from_list.get("name"), str):
        names.add(from_list["name"])
    return names


class Ruleset:  # pylint: disable=too-many-instance-attributes
    """One ruleset: its fields, a version counter, and its rules in order (answer-ready dicts)."""

    def __init__(self, ruleset_id, name, description, kind, phase, stamp):
        self.id = ruleset_id
        self.name = name
        self.description = description
        self.kind = kind
        self.phase = phase
        self.version = 1
        self.last_updated = stamp
        self.rules = []

    def summary(self):
        """The ruleset without its rules (``GET /{scope}/rulesets``)."""
        return {"id": self.id, "name": self.name, "description": self.description, "kind": self.kind, "version": str(self.version),
                "last_updated": self.last_updated, "phase": self.phase}

    def as_json(self, extras=False):
        """The ruleset with its rules (copies); ``extras`` adds what setting answer_extras "add" adds."""
        body = self.summary()
        body["rules"] = [with_extras(rule) if extras else copy.deepcopy(rule) for rule in self.rules]
        return body

    def find(self, rule_id):
        """The index of a rule id, or None."""
        for index, rule in enumerate(self.rules):
            if rule["id"] == rule_id:
                return index
        return None

    def changed(self, stamp):
        """A new version at ``stamp``."""
        self.version += 1
        self.last_updated = stamp


def with_extras(rule):
    """A copy of a stored rule with fields Cloudflare may add that the request never set."""
    rule = copy.deepcopy(rule)
    rule.setdefault("categories", ["custom"])
    if rule["action"] == "skip":
        rule.setdefault("logging", {"enabled": True})
    from_value = (rule.get("action_parameters") or {}).get("from_value")
    if isinstance(from_value, dict):
        from_value.setdefault("status_code", 301)
        from_value.setdefault("preserve_query_string", False)
    return rule


def definition(rule):
    """What a rule's request defines (no id, version, last_updated): compared to spot a change."""
    return {key: rule[key] for key in RULE_KEYS if key in rule}


class Checker:
    """Collects every problem of one request body, each with a JSON pointer to its field."""

    def __init__(self, account, phase):
        self.account = account
        self.phase = phase
        self.errors = []
        self.missing = []

    def add(self, pointer, message, code_message=E_RULE_INVALID):
        """Record one problem."""
        self.errors.append(error(code_message, message, source={"pointer": pointer}))

    def rule(self, raw, pointer, allow=()):
        """The stored definition of one rule body (no id yet), or None after recording its problems."""
        if not isinstance(raw, dict):
            self.add(pointer, "a rule must be a JSON object")
            return None
        before = len(self.errors)
        for key in sorted(set(raw) - set(RULE_KEYS) - set(allow)):
            self.add(f"{pointer}/{key}", f"unknown field '{key}' in a rule")
        action, expression = raw.get("action"), raw.get("expression")
        if not isinstance(action, str) or action not in ACTIONS:
            self.add(f"{pointer}/action", f"action must be one of: {', '.join(ACTIONS)}; got {json.dumps(action)}")
        elif action not in PHASE_ACTIONS.get(self.phase, ACTIONS):
            self.add(f"{pointer}/action", f"action '{action}' is not allowed in phase '{self.phase}'; "
                                          f"allowed: {', '.join(PHASE_ACTIONS[self.phase])}")
        if not isinstance(expression, str) or not expression.strip():
            self.add(f"{pointer}/expression", "expression is required: a non-empty filter expression")
        elif len(expression) > 4096:
            self.add(f"{pointer}/expression", "expression must be at most 4096 characters")
        self._optional(raw, pointer)
        self._lists(raw, pointer, action)
        if len(self.errors) > before:
            return None
        rule = {"action": action, "expression": expression, "description": raw.get("description", ""),
                "enabled": raw.get("enabled", True)}
        for key in ("action_parameters", "logging", "ratelimit"):
            if key in raw:
                rule[key] = copy.deepcopy(raw[key])
        if "ref" in raw:
            rule["ref"] = raw["ref"]
        return rule

    def _optional(self, raw, pointer):
        if "ref" in raw and (not isinstance(raw["ref"], str) or not raw["ref"] or len(raw["ref"]) > 256):
            self.add(f"{pointer}/ref", "ref must be a non-empty string of at most 256 characters")
        if not isinstance(raw.get("description", ""), str) or len(raw.get("description", "")) > 500:
            self.add(f"{pointer}/description", "description must be a string of at most 500 characters")
        if not isinstance(raw.get("enabled", True), bool):
            self.add(f"{pointer}/enabled", "enabled must be true or false")
        for key in ("action_parameters", "ratelimit"):
            if key in raw and not isinstance(raw[key], dict):
                self.add(f"{pointer}/{key}", f"{key} must be an object")
        logging = raw.get("logging", {"enabled": True})
        if not isinstance(logging, dict) or set(logging) != {"enabled"} or not isinstance(logging["enabled"], bool):
            self.add(f"{pointer}/logging", 'logging must be {"enabled": true|false}')

    def _lists(self, raw, pointer, action):
        params = raw.get("action_parameters")
        from_list = params.get("from_list") if isinstance(params, dict) else None
        if from_list is not None:
            self._from_list(from_list, f"{pointer}/action_parameters/from_list", action, raw.get("expression"))
        elif action == "redirect" and self.phase == "http_request_redirect":
            self.add(f"{pointer}/action_parameters/from_list", "a rule of phase 'http_request_redirect' needs action_parameters.from_list")
        names = {lst.name: lst for lst in self.account.lists.values()}
        for name in sorted(list_names({"expression": raw.get("expression")})):
            if name not in names:
                self.missing.append((f"{pointer}/expression", name))

    def _from_list(self, from_list, pointer, action, expression):
        if action != "redirect":
            self.add(pointer, "action_parameters.from_list is only allowed with action 'redirect'")
            return
        if not isinstance(from_list, dict) or set(from_list) - {"name", "key"} or not isinstance(from_list.get("name"), str) \
                or not isinstance(from_list.get("key"), str) or not from_list["key"]:
            self.add(pointer, 'from_list must be {"name": "<list name>", "key": "<request field>"}')
            return
        lst = next((lst for lst in self.account.lists.values() if lst.name == from_list["name"]), None)
        if lst is None:
            self.missing.append((f"{pointer}/name", from_list["name"]))
        elif lst.kind != "redirect":
            self.add(f"{pointer}/name", f"list '{lst.name}' is of kind '{lst.kind}'; from_list needs a list of kind 'redirect'")
        if isinstance(expression, str) and from_list["key"] not in expression:
            self.add(f"{pointer}/key", f"the expression must use the field named in key ({from_list['key']})")

    def raise_if_any(self, missing_list_error):
        """Raise ApiError with every problem recorded (missing lists as setting ``missing_list_error`` says)."""
        errors = list(self.errors)
        status = 400
        for pointer, name in self.missing:
            status, code, text = MISSING_LIST_ERRORS[missing_list_error]
            errors.append(error((code, text.format(name=name)), source={"pointer": pointer}))
        if errors:
            raise ApiError(status, errors)


def check_position(position, ruleset, moving=None):
    """The 0-based index a ``position`` object names in ``ruleset`` (``moving``: the rule id being moved), or ApiError."""
    count = len(ruleset.rules) - (1 if moving else 0)
    if not isinstance(position, dict) or len(position) != 1 or next(iter(position)) not in ("before", "after", "index"):
        raise fail(400, E_POSITION, 'position must be exactly one of {"before": id}, {"after": id}, {"index": n}',
                   source={"pointer": "/position"})
    key, value = next(iter(position.items()))
    others = [rule["id"] for rule in ruleset.rules if rule["id"] != moving]
    if key == "index":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= count + 1:
            raise fail(400, E_POSITION, f"position index must be an integer from 1 to {count + 1}", source={"pointer": "/position/index"})
        return value - 1
    if not isinstance(value, str) or (value and not ID_RE.match(value)):
        raise fail(400, E_POSITION, f"position {key} must be a rule id (32 hex) or empty", source={"pointer": f"/position/{key}"})
    if not value:
        return 0 if key == "before" else count
    if value not in others:
        raise fail(400, E_POSITION, f"position {key}: no other rule {value} in ruleset {ruleset.id}",
                   source={"pointer": f"/position/{key}"})
    return others.index(value) + (1 if key == "after" else 0)


class Scope:
    """The rulesets of one zone or one account."""

    def __init__(self, kind, scope_id, account):
        self.kind = kind  # "zones" or "accounts"
        self.id = scope_id
        self.account = account
        self.rulesets = {}

    @property
    def entry_kind(self):
        """The kind of this scope's entry points."""
        return "zone" if self.kind == "zones" else "root"

    @property
    def path(self):
        """``zones/<id>`` or ``accounts/<id>``."""
        return f"{self.kind}/{self.id}"

    def entrypoint(self, phase):
        """The phase's entry point ruleset, or None."""
        for ruleset in self.rulesets.values():
            if ruleset.kind == self.entry_kind and ruleset.phase == phase:
                return ruleset
        return None
