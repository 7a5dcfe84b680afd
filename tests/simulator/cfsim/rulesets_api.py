# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zones and Rulesets: the API's routes and answers, the admin calls and the Python API (mixed into Simulator).

Routes, ``{scope}`` being ``zones/{zone_id}`` or ``accounts/{account_id}``: ``GET /zones``,
``GET``/``POST /{scope}/rulesets``, ``GET``/``PUT /{scope}/rulesets/phases/{phase}/entrypoint``,
``GET``/``PUT /{scope}/rulesets/{id}``, ``POST /{scope}/rulesets/{id}/rules``,
``PATCH``/``DELETE /{scope}/rulesets/{id}/rules/{rule_id}``.
"""

import copy
import re

from .common import ID_RE, envelope, fail, not_routable
from .rulesets import E_ENTRYPOINT_MISSING, E_RULESET_INVALID, E_RULESET_NOT_FOUND, PHASES
from .zones import DEFAULT_ZONE_ID

_SCOPES = ((r"^/zones/(?P<zone_id>[^/]+)", "/zones/{zone_id}"), (r"^/accounts/(?P<account_id>[^/]+)", "/accounts/{account_id}"))
_TAILS = (
    (r"/rulesets$", "/rulesets", {"GET": "get_rulesets", "POST": "post_ruleset"}),
    (r"/rulesets/phases/(?P<phase>[^/]+)/entrypoint$", "/rulesets/phases/{ruleset_phase}/entrypoint",
     {"GET": "get_entrypoint", "PUT": "put_entrypoint"}),
    (r"/rulesets/(?P<ruleset_id>[^/]+)$", "/rulesets/{ruleset_id}", {"GET": "get_ruleset", "PUT": "put_ruleset"}),
    (r"/rulesets/(?P<ruleset_id>[^/]+)/rules$", "/rulesets/{ruleset_id}/rules", {"POST": "post_rule"}),
    (r"/rulesets/(?P<ruleset_id>[^/]+)/rules/(?P<rule_id>[^/]+)$", "/rulesets/{ruleset_id}/rules/{rule_id}",
     {"PATCH": "patch_rule", "DELETE": "delete_rule"}),
)
RULESET_ROUTES = [(re.compile(scope_re + tail_re), scope_t + tail_t, methods)
                  for scope_re, scope_t in _SCOPES for tail_re, tail_t, methods in _TAILS]
RULESET_ROUTES.append((re.compile(r"^/zones$"), "/zones", {"GET": "get_zones"}))

# Admin calls with parameters in the path: (method, pattern under /__sim, handler).
ADMIN_PATTERNS = [
    ("GET", re.compile(r"^/entrypoints/(?P<kind>zones|accounts)/(?P<scope_id>[0-9a-f]{32})/(?P<phase>[a-z0-9_]+)$"), "admin_get_entrypoint"),
    ("PUT", re.compile(r"^/entrypoints/(?P<kind>zones|accounts)/(?P<scope_id>[0-9a-f]{32})/(?P<phase>[a-z0-9_]+)$"), "admin_put_entrypoint"),
]


class RulesetsMixin:
    """The zones and rulesets methods of Simulator (``self`` is the Simulator; everything runs under its lock)."""

    # -- API answers ------------------------------------------------------------------------------

    def _scope(self, request):
        params = request["params"]
        if "zone_id" in params:
            return self.rulesets.scope("zones", params["zone_id"])
        return self.rulesets.scope("accounts", params["account_id"])

    @staticmethod
    def _ruleset(request, scope):
        ruleset_id = request["params"]["ruleset_id"]
        ruleset = scope.rulesets.get(ruleset_id)
        if ruleset is None:
            if not ID_RE.match(ruleset_id):
                raise not_routable(request["path"])
            raise fail(404, E_RULESET_NOT_FOUND, f"could not find ruleset {ruleset_id} in {scope.path}")
        return ruleset

    @staticmethod
    def _phase(request):
        phase = request["params"]["phase"]
        if phase not in PHASES:
            raise fail(400, E_RULESET_INVALID, f"unknown phase '{phase}'; known phases: {', '.join(PHASES)}")
        return phase

    def _ruleset_answer(self, ruleset):
        return envelope(ruleset.as_json(extras=self.config["answer_extras"] == "add"))

    def api_get_zones(self, request):
        """GET /zones, filtered by ``name``, ``status`` and ``account.id``; one page holds them all."""
        query = {key: values[-1] for key, values in request["query"].items()}
        accounts = request["principal"].accounts
        found = [zone.as_json() for zone in self.rulesets.zones.values() if zone.account_id in accounts
                 and query.get("name", zone.name).lower() == zone.name and query.get("status", zone.status) == zone.status
                 and query.get("account.id", zone.account_id) == zone.account_id]
        info = {"page": 1, "per_page": 20, "count": len(found), "total_count": len(found), "total_pages": 1}
        return envelope(found, result_info=info)

    def api_get_rulesets(self, request):
        """GET /{scope}/rulesets: the rulesets without their rules."""
        return envelope([ruleset.summary() for ruleset in self._scope(request).rulesets.values()])

    def api_post_ruleset(self, request):
        """POST /{scope}/rulesets."""
        return self._ruleset_answer(self.rulesets.create_ruleset(self._scope(request), self._json_body(request)))

    def api_get_entrypoint(self, request):
        """GET /{scope}/rulesets/phases/{phase}/entrypoint (a missing one: setting entrypoint_missing)."""
        ruleset = self._scope(request).entrypoint(self._phase(request))
        if ruleset is None:
            if self.config["entrypoint_missing"] == "empty":
                return envelope(None)
            raise fail(404, E_ENTRYPOINT_MISSING)
        return self._ruleset_answer(ruleset)

    def api_put_entrypoint(self, request):
        """PUT /{scope}/rulesets/phases/{phase}/entrypoint: create it, or replace all its rules."""
        phase = self._phase(request)
        return self._ruleset_answer(self.rulesets.put_entrypoint(self._scope(request), phase, self._json_body(request)))

    def api_get_ruleset(self, request):
        """GET /{scope}/rulesets/{ruleset_id}."""
        return self._ruleset_answer(self._ruleset(request, self._scope(request)))

    def api_put_ruleset(self, request):
        """PUT /{scope}/rulesets/{ruleset_id}: replace all its rules."""
        scope = self._scope(request)
        ruleset = self._ruleset(request, scope)
        return self._ruleset_answer(self.rulesets.replace_rules(scope, ruleset, self._json_body(request)))

    def api_post_rule(self, request):
        """POST /{scope}/rulesets/{ruleset_id}/rules: add one rule; answers the whole ruleset."""
        scope = self._scope(request)
        ruleset = self._ruleset(request, scope)
        return self._ruleset_answer(self.rulesets.add_rule(scope, ruleset, self._json_body(request)))

    def api_patch_rule(self, request):
        """PATCH /{scope}/rulesets/{ruleset_id}/rules/{rule_id}: the rule's whole new definition, or a move."""
        scope = self._scope(request)
        ruleset = self._ruleset(request, scope)
        body = self._json_body(request)
        return self._ruleset_answer(self.rulesets.patch_rule(scope, ruleset, request["params"]["rule_id"], body))

    def api_delete_rule(self, request):
        """DELETE /{scope}/rulesets/{ruleset_id}/rules/{rule_id}."""
        scope = self._scope(request)
        ruleset = self._ruleset(request, scope)
        return self._ruleset_answer(self.rulesets.delete_rule(scope, ruleset, request["params"]["rule_id"]))

    # -- Python API -------------------------------------------------------------------------------

    @property
    def zone_id(self):
        """The default zone's id (``example.com`` of the main account)."""
        return DEFAULT_ZONE_ID

    def add_zone(self, name, zone_id=None, account_id=None, status="active"):
        """Create a zone (a new id unless ``zone_id`` is given) of an account (default: the main one); returns the zone object."""
        with self._lock:
            return self.rulesets.add_zone(zone_id or self.new_id(), name, account_id or self.account_id, status).as_json()

    def get_zones(self):
        """Every zone object."""
        with self._lock:
            return [zone.as_json() for zone in self.rulesets.zones.values()]

    def _py_scope(self, zone_id=None, account_id=None):
        """The scope of ``account_id`` if given (account-level rules), else of ``zone_id`` (default: the default zone)."""
        if account_id and zone_id:
            raise ValueError("give zone_id or account_id, not both")
        if account_id:
            if account_id not in self.store.accounts:
                raise KeyError(f"no account {account_id}")
            return self.rulesets.scope("accounts", account_id)
        zone_id = zone_id or DEFAULT_ZONE_ID
        if zone_id not in self.rulesets.zones:
            raise KeyError(f"no zone {zone_id}")
        return self.rulesets.scope("zones", zone_id)

    def get_rulesets(self, zone_id=None, account_id=None):
        """Every ruleset of a zone (default: the default zone) or of ``account_id``, with rules, as stored (no answer extras)."""
        with self._lock:
            return [ruleset.as_json() for ruleset in self._py_scope(zone_id, account_id).rulesets.values()]

    def get_entrypoint(self, phase, zone_id=None, account_id=None):
        """A phase's entry point with its rules, as stored (no answer extras), or None."""
        with self._lock:
            ruleset = self._py_scope(zone_id, account_id).entrypoint(phase)
            return ruleset.as_json() if ruleset else None

    def get_entrypoint_rules(self, phase, zone_id=None, account_id=None):
        """The rules of a phase's entry point in order (copies, no answer extras); [] when it has none."""
        ruleset = self.get_entrypoint(phase, zone_id, account_id)
        return ruleset["rules"] if ruleset else []

    def set_entrypoint(self, phase, rules, zone_id=None, account_id=None, description=""):
        """Create a phase's entry point or replace its rules, checked as the API checks them (ValueError if refused).

        As if another tool or the dashboard made them: not counted, no faults, ``entrypoint_race`` ignored.
        Returns the ruleset with its rules.
        """
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}")
        with self._lock:
            scope = self._py_scope(zone_id, account_id)
            body = {"rules": copy.deepcopy(rules), "description": description}
            return self.rulesets.replace_rules(scope, scope.entrypoint(phase), body, phase).as_json()

    # -- admin ------------------------------------------------------------------------------------

    def admin_pattern(self, method, route_path, data):
        """The answer of an admin call with parameters in its path, or None if no pattern matches."""
        for pattern_method, pattern, handler in ADMIN_PATTERNS:
            found = pattern.match(route_path)
            if found and pattern_method == method:
                return getattr(self, handler)(data, **found.groupdict())
        return None

    def admin_add_zone(self, data):
        """POST /__sim/zones {"name", "id"?, "account_id"?, "status"?}: the new zone."""
        return self.add_zone(data["name"], data.get("id"), data.get("account_id"), data.get("status", "active"))

    def admin_get_zones(self, data):
        """GET /__sim/zones: {"zones": [...]}."""
        del data
        return {"zones": self.get_zones()}

    def admin_get_rulesets(self, data):
        """GET /__sim/rulesets: {"rulesets": [every ruleset of every scope, with "scope" and its rules]}."""
        del data
        with self._lock:
            return {"rulesets": [dict(ruleset.as_json(), scope=scope.path) for scope in self.rulesets.scopes.values()
                                 for ruleset in scope.rulesets.values()]}

    def admin_get_entrypoint(self, data, kind, scope_id, phase):
        """GET /__sim/entrypoints/{zones|accounts}/{id}/{phase}: {"entrypoint": ruleset with rules, or null}."""
        del data
        ids = {"zone_id": scope_id} if kind == "zones" else {"account_id": scope_id}
        return {"entrypoint": self.get_entrypoint(phase, **ids)}

    def admin_put_entrypoint(self, data, kind, scope_id, phase):
        """PUT /__sim/entrypoints/{zones|accounts}/{id}/{phase} {"rules", "description"?}: seed an entry point."""
        ids = {"zone_id": scope_id} if kind == "zones" else {"account_id": scope_id}
        return self.set_entrypoint(phase, data["rules"], description=data.get("description", ""), **ids)
