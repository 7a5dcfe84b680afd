# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zones and the writes on rulesets: create, replace, add, change, move and delete rules.  Runs under Simulator._lock.

Every write checks the whole request first (all problems at once) and changes nothing when it is
refused; a successful write makes a new ruleset version and recounts the lists its rules use.
"""

import copy

from .common import ID_RE, ApiError, fail
from .rulesets import E_ENTRYPOINT_EXISTS, E_REF_TAKEN, E_RULE_LIMIT, E_RULE_NOT_FOUND, E_RULESET_INVALID, MADE_ELSEWHERE_REF
from .rulesets import PHASES, Checker, Ruleset, Scope, check_position, definition, list_names
from .zones import Zone

ENTRYPOINT_NAME = "default"
# What "another tool" put in an entry point just before the simulator's client made it (setting entrypoint_race).
# In http_request_redirect it is a Bulk Redirect rule on the account's first redirect list, if it has one.
ELSEWHERE_RULES = {
    "http_request_redirect": {"action": "redirect", "action_parameters": {"from_value": {"target_url": {"value": "https://example.com/"}}}},
    "http_request_dynamic_redirect": {"action": "redirect",
                                      "action_parameters": {"from_value": {"target_url": {"value": "https://example.com/"}}}},
    "http_request_late_transform": {"action": "rewrite", "action_parameters": {"uri": {"path": {"value": "/elsewhere"}}}},
}


def make_rule(rule_id, version, rule_def, stamp):
    """A stored rule, keys in Cloudflare's order; ``ref`` defaults to the id."""
    rule = {"id": rule_id, "version": str(version), "action": rule_def["action"]}
    if "action_parameters" in rule_def:
        rule["action_parameters"] = copy.deepcopy(rule_def["action_parameters"])
    rule.update(expression=rule_def["expression"], description=rule_def["description"], last_updated=stamp,
                ref=rule_def.get("ref", rule_id), enabled=rule_def["enabled"])
    for key in ("logging", "ratelimit"):
        if key in rule_def:
            rule[key] = copy.deepcopy(rule_def[key])
    return rule


def successor(old, rule_def, new_id, stamp):
    """The stored rule replacing ``old`` (or a new one): unchanged when the definition is the same, else a new version."""
    if old is None:
        return make_rule(new_id, 1, rule_def, stamp)
    candidate = make_rule(old["id"], int(old["version"]) + 1, rule_def, stamp)
    return old if definition(candidate) == definition(old) else candidate


class RulesetStore:
    """Zones, and the rulesets of every zone and account."""

    def __init__(self, sim):
        self.sim = sim
        self.zones = {}
        self.scopes = {}

    def clear(self):
        """Forget every zone and ruleset."""
        self.zones = {}
        self.scopes = {}

    def add_zone(self, zone_id, name, account_id, status="active"):
        """Create a zone (ValueError on a bad or taken id)."""
        if not ID_RE.match(zone_id):
            raise ValueError(f"zone ids are 32 lower-case hex characters: {zone_id!r}")
        if zone_id in self.zones:
            raise ValueError(f"zone {zone_id} exists already")
        if account_id not in self.sim.store.accounts:
            raise ValueError(f"no account {account_id}")
        if not isinstance(name, str) or "." not in name:
            raise ValueError(f"a zone name is a domain name like example.com, not {name!r}")
        zone = Zone(zone_id, name.lower(), account_id, status, self.sim.stamp(self.sim.now()))
        self.zones[zone_id] = zone
        return zone

    def scope(self, kind, scope_id):
        """The Scope of ``("zones", zone_id)`` or ``("accounts", account_id)`` (KeyError if there is none)."""
        key = (kind, scope_id)
        if key not in self.scopes:
            account_id = self.zones[scope_id].account_id if kind == "zones" else scope_id
            self.scopes[key] = Scope(kind, scope_id, self.sim.store.accounts[account_id])
        return self.scopes[key]

    def _stamp(self):
        return self.sim.stamp(self.sim.now())

    def _recount(self, scope, old_rules, new_rules):
        """Move the lists' use counts from ``old_rules`` to ``new_rules``."""
        by_name = {lst.name: lst for lst in scope.account.lists.values()}
        for rules, step in ((old_rules, -1), (new_rules, 1)):
            for rule in rules:
                for name in list_names(rule):
                    if name in by_name:
                        by_name[name].referencing_filters = max(0, by_name[name].referencing_filters + step)

    def _check_limit(self, phase, count):
        limit = self.sim.config["max_rules_per_phase"]
        if limit is not None and count > limit:
            raise fail(400, E_RULE_LIMIT, f"exceeded maximum number of rules in the phase '{phase}': at most {limit} rules "
                                          f"(the plan's limit); this change would make {count}", source={"pointer": "/rules"})

    def build_rules(self, scope, phase, raws, existing=None, stamp=None):
        """The checked rules of a whole-ruleset write; a rule keeps its id when it gives it, or the ref of an existing rule."""
        if not isinstance(raws, list):
            raise fail(400, E_RULESET_INVALID, "rules is required: an array of rules", source={"pointer": "/rules"})
        checker = Checker(scope.account, phase)
        old_rules = existing.rules if existing else []
        by_id = {rule["id"]: rule for rule in old_rules}
        by_ref = {rule["ref"]: rule for rule in old_rules}
        stamp, refs, rules = stamp or self._stamp(), {}, []
        for index, raw in enumerate(raws):
            rule_def = checker.rule(raw, f"/rules/{index}", allow=("id",))
            if rule_def is None:
                continue
            old = by_ref.get(rule_def.get("ref"))
            if "id" in raw:
                old = by_id.get(raw["id"])
                if old is None:
                    checker.add(f"/rules/{index}/id", f"no rule {raw['id']!r} in this ruleset to keep", E_RULE_NOT_FOUND)
                    continue
            rule = successor(old, rule_def, None if old else self.sim.new_id(), stamp)
            if rule["ref"] in refs:
                checker.add(f"/rules/{index}/ref", f"duplicate rule ref '{rule['ref']}': rule {refs[rule['ref']]} has it already; "
                                                   f"a ref must be unique in its ruleset", E_REF_TAKEN)
            refs[rule["ref"]] = index
            rules.append(rule)
        checker.raise_if_any(self.sim.config["missing_list_error"])
        self._check_limit(phase, len(rules))
        return rules

    def _race(self, scope, phase):
        """Setting entrypoint_race: another tool makes the missing entry point, with a rule of its own, just before."""
        if not self.sim.config["entrypoint_race"] or scope.entrypoint(phase) is not None:
            return
        stamp = self._stamp()
        ruleset = Ruleset(self.sim.new_id(), ENTRYPOINT_NAME, "", scope.entry_kind, phase, stamp)
        rule_def = dict(ELSEWHERE_RULES.get(phase, {"action": "log"}), expression='http.request.uri.path eq "/made-elsewhere"',
                        description="made by another tool", enabled=True, ref=MADE_ELSEWHERE_REF)
        redirects = next((lst.name for lst in scope.account.lists.values() if lst.kind == "redirect"), None)
        if phase == "http_request_redirect" and redirects:
            rule_def.update(expression=f"http.request.full_uri in ${redirects}",
                            action_parameters={"from_list": {"name": redirects, "key": "http.request.full_uri"}})
        ruleset.rules = [make_rule(self.sim.new_id(), 1, rule_def, stamp)]
        scope.rulesets[ruleset.id] = ruleset
        self._recount(scope, [], ruleset.rules)

    def create_ruleset(self, scope, body):
        """POST /{scope}/rulesets."""
        if not isinstance(body, dict):
            raise fail(400, E_RULESET_INVALID, "the body must be a ruleset object")
        problems = [f"unknown field '{key}'" for key in sorted(set(body) - {"name", "description", "kind", "phase", "rules"})]
        name, kind, phase = body.get("name"), body.get("kind"), body.get("phase")
        if not isinstance(name, str) or not name:
            problems.append("name is required: a non-empty string")
        if not isinstance(body.get("description", ""), str):
            problems.append("description must be a string")
        allowed = ("custom", scope.entry_kind)
        if kind not in allowed:
            problems.append(f"kind must be one of {', '.join(allowed)} here, not {kind!r}")
        if phase not in PHASES:
            problems.append(f"phase must be one of: {', '.join(PHASES)}; got {phase!r}")
        if problems:
            raise fail(400, E_RULESET_INVALID, "; ".join(problems))
        if kind == scope.entry_kind:
            self._race(scope, phase)
            if scope.entrypoint(phase) is not None:
                code, text = E_ENTRYPOINT_EXISTS
                raise fail(400, (code, text.format(kind=kind, phase=phase)), source={"pointer": "/kind"})
        stamp = self._stamp()
        rules = self.build_rules(scope, phase, body.get("rules"), stamp=stamp)
        ruleset = Ruleset(self.sim.new_id(), name, body.get("description", ""), kind, phase, stamp)
        ruleset.rules = rules
        scope.rulesets[ruleset.id] = ruleset
        self._recount(scope, [], rules)
        return ruleset

    def replace_rules(self, scope, ruleset, body, phase=None):
        """PUT /{scope}/rulesets/{id}, or PUT .../phases/{phase}/entrypoint (``ruleset`` None: the phase has none yet)."""
        if not isinstance(body, dict):
            raise fail(400, E_RULESET_INVALID, "the body must be a ruleset object")
        problems = [f"unknown field '{key}'" for key in sorted(set(body) - {"name", "description", "kind", "phase", "rules"})]
        expect_kind = ruleset.kind if ruleset else scope.entry_kind
        expect_phase = ruleset.phase if ruleset else phase
        if body.get("kind", expect_kind) != expect_kind or body.get("phase", expect_phase) != expect_phase:
            problems.append(f"kind and phase cannot change (this ruleset is {expect_kind}, {expect_phase})")
        for key in ("name", "description"):
            if not isinstance(body.get(key, ""), str):
                problems.append(f"{key} must be a string")
        if problems:
            raise fail(400, E_RULESET_INVALID, "; ".join(problems))
        stamp = self._stamp()
        rules = self.build_rules(scope, expect_phase, body.get("rules"), ruleset, stamp)
        if ruleset is None:
            ruleset = Ruleset(self.sim.new_id(), body.get("name") or ENTRYPOINT_NAME, body.get("description", ""), expect_kind,
                              expect_phase, stamp)
            scope.rulesets[ruleset.id] = ruleset
        else:
            ruleset.changed(stamp)
            ruleset.name = body.get("name") or ruleset.name
            ruleset.description = body.get("description", ruleset.description)
        self._recount(scope, ruleset.rules, rules)
        ruleset.rules = rules
        return ruleset

    def put_entrypoint(self, scope, phase, body):
        """PUT .../phases/{phase}/entrypoint: create the entry point or replace all its rules."""
        self._race(scope, phase)
        return self.replace_rules(scope, scope.entrypoint(phase), body, phase)

    def _rule_body(self, scope, ruleset, body, rule_id=None):
        """(stored definition or None for a move, position or None) of a POST or PATCH rule body."""
        if not isinstance(body, dict):
            raise fail(400, E_RULESET_INVALID, "the body must be a rule object")
        index, position_errors = None, []
        if "position" in body:
            try:
                index = check_position(body["position"], ruleset, rule_id)
            except ApiError as exc:
                position_errors = exc.errors
        if rule_id is not None and set(body) == {"position"}:
            if position_errors:
                raise ApiError(400, position_errors)
            return None, index
        raw = {key: value for key, value in body.items() if key != "position"}
        checker = Checker(scope.account, ruleset.phase)
        checker.errors.extend(position_errors)
        rule_def = checker.rule(raw, "", allow=())
        if rule_def is not None:
            ref = rule_def.get("ref", rule_id)
            holder = next((rule for rule in ruleset.rules if rule["ref"] == ref and rule["id"] != rule_id), None) if ref else None
            if holder is not None:
                checker.add("/ref", f"duplicate rule ref '{ref}': rule {holder['id']} of ruleset {ruleset.id} has it already; "
                                    f"a ref must be unique in its ruleset", E_REF_TAKEN)
        checker.raise_if_any(self.sim.config["missing_list_error"])
        return rule_def, index

    def add_rule(self, scope, ruleset, body):
        """POST .../rules: add one rule, last unless ``position`` says otherwise."""
        rule_def, index = self._rule_body(scope, ruleset, body)
        self._check_limit(ruleset.phase, len(ruleset.rules) + 1)
        stamp = self._stamp()
        rule = make_rule(self.sim.new_id(), 1, rule_def, stamp)
        ruleset.rules.insert(len(ruleset.rules) if index is None else index, rule)
        ruleset.changed(stamp)
        self._recount(scope, [], [rule])
        return ruleset

    def patch_rule(self, scope, ruleset, rule_id, body):
        """PATCH .../rules/{rule_id}: the body is the rule's whole new definition (or only a ``position``)."""
        found = ruleset.find(rule_id)
        if found is None:
            raise fail(404, E_RULE_NOT_FOUND, f"could not find rule {rule_id} in ruleset {ruleset.id}")
        rule_def, index = self._rule_body(scope, ruleset, body, rule_id)
        old = ruleset.rules[found]
        stamp = self._stamp()
        rule = old if rule_def is None else successor(old, rule_def, None, stamp)
        moved = index is not None and index != found
        if rule is old and not moved and self.sim.config["patch_same_version"] == "same":
            return ruleset
        if rule is old and rule_def is not None:
            rule = make_rule(old["id"], int(old["version"]) + 1, rule_def, stamp)
        rest = ruleset.rules[:found] + ruleset.rules[found + 1:]
        rest.insert(found if index is None else index, rule)
        ruleset.rules = rest
        ruleset.changed(stamp)
        self._recount(scope, [old], [rule])
        return ruleset

    def delete_rule(self, scope, ruleset, rule_id):
        """DELETE .../rules/{rule_id}."""
        found = ruleset.find(rule_id)
        if found is None:
            raise fail(404, E_RULE_NOT_FOUND, f"could not find rule {rule_id} in ruleset {ruleset.id}")
        old = ruleset.rules.pop(found)
        ruleset.changed(self._stamp())
        self._recount(scope, [old], [])
        return ruleset
