# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated Rulesets API: zones, entry points, rulesets, and rules with positions, versions and refs."""

import re

import pytest

OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210"
WAF = "http_request_firewall_custom"
ENTRY = f"/phases/{WAF}/entrypoint"
ID_RE = re.compile(r"^[0-9a-f]{32}$")


def rule(ref, expression="ip.src eq 192.0.2.1", action="block", **extra):
    """A rule body."""
    return dict(ref=ref, action=action, expression=expression, **extra)


def entry(api, *refs):
    """The default zone's WAF entry point, made with one rule per ref; returns the ruleset."""
    return api.rok("PUT", ENTRY, json={"rules": [rule(ref) for ref in refs]})


def refs_of(ruleset):
    """The refs of a ruleset's rules, in order."""
    return [item["ref"] for item in ruleset["rules"]]


def untouched(before, after, rule_ids):
    """Whether these rules have the same id, version, last_updated and definition before and after."""
    old = {item["id"]: item for item in before["rules"]}
    new = {item["id"]: item for item in after["rules"]}
    return all(old[rule_id] == new[rule_id] for rule_id in rule_ids)


# -- zones ----------------------------------------------------------------------------------------

def test_zones_by_name(api, sim):
    found = api.session.get(sim.url + "/zones", params={"name": "example.com"}, headers=api.headers, timeout=10).json()
    assert found["success"] is True and len(found["result"]) == 1
    zone = found["result"][0]
    assert (zone["id"], zone["name"], zone["status"], zone["account"]["id"]) == (sim.zone_id, "example.com", "active", sim.account_id)
    assert zone["id"] == "023e105f4ecef8ad9ca31a8372d0c353"
    assert api.session.get(sim.url + "/zones", params={"name": "example.org"}, headers=api.headers, timeout=10).json()["result"] == []


def test_zones_of_other_accounts_are_invisible_to_a_token(api, sim):
    sim.add_account(OTHER_ACCOUNT)
    other = sim.add_zone("example.net", account_id=OTHER_ACCOUNT)
    assert ID_RE.match(other["id"]) and other["account"]["id"] == OTHER_ACCOUNT
    by_token = api.session.get(sim.url + "/zones", params={"name": "example.net"}, headers=api.headers, timeout=10).json()
    assert by_token["result"] == []
    key = {"X-Auth-Email": sim.email, "X-Auth-Key": sim.api_key}
    by_key = api.session.get(sim.url + "/zones", params={"name": "example.net"}, headers=key, timeout=10).json()
    assert [zone["id"] for zone in by_key["result"]] == [other["id"]]
    assert api.codes_of(api.rcall("GET", scope=f"zones/{other['id']}"), 403) == [10000]


def test_unknown_zone_ruleset_and_rule(api, sim):
    assert api.codes_of(api.rcall("GET", scope="zones/" + "0" * 32), 404) == [7003, 7000]
    assert api.codes_of(api.rcall("GET", "/" + "1" * 32), 404) == [10123]
    assert api.codes_of(api.rcall("GET", "/not-an-id"), 404) == [7003, 7000]
    ruleset = entry(api, "a")
    assert api.codes_of(api.rcall("DELETE", f"/{ruleset['id']}/rules/{'2' * 32}"), 404) == [10124]
    assert api.codes_of(api.rcall("PATCH", f"/{ruleset['id']}/rules/{'2' * 32}", json=rule("x")), 404) == [10124]
    assert api.codes_of(api.rcall("GET", "/phases/no_such_phase/entrypoint"), 400) == [10122]
    assert api.codes_of(api.rcall("PATCH", ENTRY, json={}), 405) == [7001]


# -- entry points and rulesets ---------------------------------------------------------------------

def test_missing_entrypoint_is_404_by_default(api):
    assert api.errors_of(api.rcall("GET", ENTRY), 404) == [{"code": 10003, "message": "could not find entrypoint ruleset"}]


def test_put_entrypoint_creates_it_then_replaces_every_rule(api, sim, clock):
    created = api.rok("PUT", ENTRY, json={"rules": [rule("a"), rule("b", action="log")]})
    assert (created["kind"], created["phase"], created["name"], created["version"]) == ("zone", WAF, "default", "1")
    assert refs_of(created) == ["a", "b"] and all(ID_RE.match(item["id"]) and item["version"] == "1" for item in created["rules"])
    assert api.rok("GET", ENTRY) == created
    clock.advance(5)
    replaced = api.rok("PUT", ENTRY, json={"rules": [rule("c")], "description": "mine"})
    assert replaced["id"] == created["id"] and replaced["version"] == "2" and refs_of(replaced) == ["c"]
    assert replaced["description"] == "mine" and replaced["last_updated"] > created["last_updated"]
    assert [item["ref"] for item in sim.get_entrypoint_rules(WAF)] == ["c"]


def test_put_keeps_a_rule_id_by_ref_or_by_id(api):
    first = entry(api, "a", "b")
    ids = {item["ref"]: item["id"] for item in first["rules"]}
    body = [rule("a"), rule("b", expression="ip.src eq 192.0.2.2"), rule("c")]
    second = api.rok("PUT", ENTRY, json={"rules": body})
    again = {item["ref"]: item for item in second["rules"]}
    assert again["a"] == next(item for item in first["rules"] if item["ref"] == "a")
    assert again["b"]["id"] == ids["b"] and again["b"]["version"] == "2"
    assert again["c"]["id"] not in ids.values() and again["c"]["version"] == "1"
    by_id = api.rok("PUT", ENTRY, json={"rules": [dict(rule("renamed"), id=ids["a"])]})
    assert [(item["id"], item["ref"]) for item in by_id["rules"]] == [(ids["a"], "renamed")]
    unknown = api.rcall("PUT", ENTRY, json={"rules": [dict(rule("x"), id="3" * 32)]})
    assert api.codes_of(unknown, 400) == [10124]


def test_post_ruleset_makes_the_entry_point_once(api, sim):
    body = {"name": "waf", "kind": "zone", "phase": WAF, "rules": [rule("a")]}
    created = api.rok("POST", json=body)
    assert created["kind"] == "zone" and refs_of(created) == ["a"] and api.rok("GET", ENTRY)["id"] == created["id"]
    errors = api.errors_of(api.rcall("POST", json=body), 400)
    assert errors == [{"code": 20217, "source": {"pointer": "/kind"},
                       "message": f"'zone' is not a valid value for kind because exceeded maximum number of zone rulesets for phase {WAF}"}]
    account = f"accounts/{sim.account_id}"
    redirect_body = {"name": "r", "kind": "root", "phase": "http_request_redirect", "rules": []}
    assert api.rok("POST", scope=account, json=redirect_body)["kind"] == "root"
    again = api.errors_of(api.rcall("POST", scope=account, json=redirect_body), 400)[0]
    assert again["code"] == 20217 and "maximum number of root rulesets for phase http_request_redirect" in again["message"]
    assert api.codes_of(api.rcall("POST", scope=account, json=dict(redirect_body, kind="zone")), 400) == [10122]
    custom = api.rok("POST", json={"name": "extra", "kind": "custom", "phase": WAF, "rules": []})
    assert custom["kind"] == "custom" and api.rok("GET", ENTRY)["id"] == created["id"]


@pytest.mark.parametrize("body", [
    {"kind": "zone", "phase": WAF, "rules": []},
    {"name": "", "kind": "zone", "phase": WAF, "rules": []},
    {"name": "x", "kind": "managed", "phase": WAF, "rules": []},
    {"name": "x", "kind": "zone", "phase": "http_nothing", "rules": []},
    {"name": "x", "kind": "zone", "phase": WAF, "rules": [], "id": "0" * 32},
    [],
])
def test_bad_ruleset_bodies_are_refused(api, body):
    assert api.codes_of(api.rcall("POST", json=body), 400) == [10122]
    assert api.rok("GET") == []


def test_rules_are_required_in_whole_ruleset_writes(api):
    assert api.codes_of(api.rcall("POST", json={"name": "x", "kind": "zone", "phase": WAF}), 400) == [10122]
    assert api.codes_of(api.rcall("PUT", ENTRY, json={}), 400) == [10122]
    assert api.codes_of(api.rcall("PUT", ENTRY, json={"rules": [], "phase": "http_ratelimit"}), 400) == [10122]


def test_list_and_get_rulesets(api):
    made = entry(api, "a")
    listed = api.rok("GET")
    assert listed == [{key: made[key] for key in ("id", "name", "description", "kind", "version", "last_updated", "phase")}]
    assert api.rok("GET", f"/{made['id']}") == made
    replaced = api.rok("PUT", f"/{made['id']}", json={"rules": [rule("b")]})
    assert refs_of(replaced) == ["b"] and replaced["version"] == "2"


# -- rules ------------------------------------------------------------------------------------------

def test_post_rule_adds_it_last_and_answers_the_ruleset(api, clock):
    before = entry(api, "a", "b")
    clock.advance(1)
    after = api.rok("POST", f"/{before['id']}/rules", json=rule("c", description="third", enabled=False))
    assert refs_of(after) == ["a", "b", "c"] and after["version"] == "2"
    added = after["rules"][-1]
    assert ID_RE.match(added["id"]) and added["version"] == "1" and (added["description"], added["enabled"]) == ("third", False)
    assert added["last_updated"] == after["last_updated"] > before["last_updated"]
    assert untouched(before, after, [item["id"] for item in before["rules"]])


def test_ref_defaults_to_the_rule_id(api):
    ruleset = entry(api)
    added = api.rok("POST", f"/{ruleset['id']}/rules", json={"action": "log", "expression": "true"})["rules"][0]
    assert added["ref"] == added["id"] and (added["description"], added["enabled"]) == ("", True)


@pytest.mark.parametrize("position, order", [
    ({"before": ""}, ["new", "a", "b", "c"]),
    ({"after": ""}, ["a", "b", "c", "new"]),
    ({"before": "b"}, ["a", "new", "b", "c"]),
    ({"after": "b"}, ["a", "b", "new", "c"]),
    ({"index": 1}, ["new", "a", "b", "c"]),
    ({"index": 3}, ["a", "b", "new", "c"]),
    ({"index": 4}, ["a", "b", "c", "new"]),
])
def test_positions_of_a_new_rule(api, position, order):
    ruleset = entry(api, "a", "b", "c")
    ids = {item["ref"]: item["id"] for item in ruleset["rules"]}
    position = {key: ids.get(value, value) for key, value in position.items()}
    after = api.rok("POST", f"/{ruleset['id']}/rules", json=dict(rule("new"), position=position))
    assert refs_of(after) == order
    assert untouched(ruleset, after, ids.values())


@pytest.mark.parametrize("position", [
    {"before": "", "after": ""}, {}, {"index": 0}, {"index": 5}, {"index": "1"}, {"before": "xyz"}, {"after": "4" * 32},
    {"first": True}, "first",
])
def test_bad_positions_are_refused_and_change_nothing(api, position):
    ruleset = entry(api, "a", "b", "c")
    assert api.codes_of(api.rcall("POST", f"/{ruleset['id']}/rules", json=dict(rule("new"), position=position)), 400) == [10126]
    assert api.rok("GET", ENTRY) == ruleset


def test_patch_with_only_a_position_moves_the_rule(api):
    ruleset = entry(api, "a", "b", "c")
    ids = {item["ref"]: item["id"] for item in ruleset["rules"]}
    moved = api.rok("PATCH", f"/{ruleset['id']}/rules/{ids['c']}", json={"position": {"before": ids["a"]}})
    assert refs_of(moved) == ["c", "a", "b"] and moved["version"] == "2"
    assert untouched(ruleset, moved, ids.values())
    back = api.rok("PATCH", f"/{ruleset['id']}/rules/{ids['c']}", json={"position": {"index": 3}})
    assert refs_of(back) == ["a", "b", "c"]
    assert api.codes_of(api.rcall("PATCH", f"/{ruleset['id']}/rules/{ids['c']}", json={"position": {"after": ids["c"]}}), 400) == [10126]


def test_patch_replaces_the_whole_definition_and_keeps_the_id(api, clock):
    ruleset = entry(api)
    full = rule("mine", description="kept?", enabled=False, action="skip", action_parameters={"ruleset": "current"},
                logging={"enabled": False})
    made = api.rok("POST", f"/{ruleset['id']}/rules", json=full)["rules"][0]
    clock.advance(1)
    patched = api.rok("PATCH", f"/{ruleset['id']}/rules/{made['id']}", json={"action": "block", "expression": "ip.src eq 192.0.2.9"})
    new = patched["rules"][0]
    assert new["id"] == made["id"] and new["version"] == "2" and new["last_updated"] > made["last_updated"]
    assert (new["action"], new["expression"], new["description"], new["enabled"], new["ref"]) == \
        ("block", "ip.src eq 192.0.2.9", "", True, made["id"])
    assert "action_parameters" not in new and "logging" not in new


def test_patch_with_a_definition_and_a_position(api):
    ruleset = entry(api, "a", "b")
    ids = {item["ref"]: item["id"] for item in ruleset["rules"]}
    patched = api.rok("PATCH", f"/{ruleset['id']}/rules/{ids['b']}", json=dict(rule("b", action="log"), position={"index": 1}))
    assert refs_of(patched) == ["b", "a"] and patched["rules"][0]["action"] == "log" and patched["rules"][0]["id"] == ids["b"]


def test_delete_rule_answers_the_ruleset(api):
    ruleset = entry(api, "a", "b", "c")
    ids = {item["ref"]: item["id"] for item in ruleset["rules"]}
    after = api.rok("DELETE", f"/{ruleset['id']}/rules/{ids['b']}")
    assert refs_of(after) == ["a", "c"] and after["version"] == "2" and untouched(ruleset, after, [ids["a"], ids["c"]])


def test_every_rule_write_makes_a_new_version(api):
    ruleset = entry(api, "a")
    rule_id = ruleset["rules"][0]["id"]
    versions = [api.rok("POST", f"/{ruleset['id']}/rules", json=rule("b"))["version"],
                api.rok("PATCH", f"/{ruleset['id']}/rules/{rule_id}", json=rule("a", action="log"))["version"],
                api.rok("PATCH", f"/{ruleset['id']}/rules/{rule_id}", json={"position": {"index": 2}})["version"],
                api.rok("DELETE", f"/{ruleset['id']}/rules/{rule_id}")["version"]]
    assert versions == ["2", "3", "4", "5"]


def test_refs_are_unique_in_a_ruleset(api):
    ruleset = entry(api, "a", "b")
    ids = {item["ref"]: item["id"] for item in ruleset["rules"]}
    taken = api.errors_of(api.rcall("POST", f"/{ruleset['id']}/rules", json=rule("a")), 400)
    assert [(err["code"], err["source"]["pointer"]) for err in taken] == [(10121, "/ref")]
    assert "duplicate rule ref 'a'" in taken[0]["message"] and ids["a"] in taken[0]["message"]
    assert api.codes_of(api.rcall("PATCH", f"/{ruleset['id']}/rules/{ids['b']}", json=rule("a")), 400) == [10121]
    assert api.codes_of(api.rcall("PUT", ENTRY, json={"rules": [rule("x"), rule("x")]}), 400) == [10121]
    assert api.rok("GET", ENTRY) == ruleset
    assert api.rok("PATCH", f"/{ruleset['id']}/rules/{ids['a']}", json=rule("a", action="log"))["rules"][0]["ref"] == "a"


@pytest.mark.parametrize("body, pointers", [
    ({"action": "block"}, ["/expression"]),
    ({"action": "block", "expression": "  "}, ["/expression"]),
    ({"action": "explode", "expression": "true"}, ["/action"]),
    ({"action": "redirect", "expression": "true"}, ["/action"]),
    ({"expression": "true"}, ["/action"]),
    ({"action": "block", "expression": "true", "id": "0" * 32}, ["/id"]),
    ({"action": "block", "expression": "true", "version": "1"}, ["/version"]),
    ({"action": "block", "expression": "true", "enabled": "yes", "ref": ""}, ["/ref", "/enabled"]),
    ({"action": "block", "expression": "true", "logging": {"enabled": 1}}, ["/logging"]),
    ({"action": "block", "expression": "true", "action_parameters": {"from_list": {"name": "x", "key": "k"}}},
     ["/action_parameters/from_list"]),
    ({"action": "block", "expression": "true", "description": 5, "action_parameters": []}, ["/description", "/action_parameters"]),
])
def test_bad_rules_are_refused_with_every_problem(api, body, pointers):
    ruleset = entry(api)
    errors = api.errors_of(api.rcall("POST", f"/{ruleset['id']}/rules", json=body), 400)
    assert [err["source"]["pointer"] for err in errors] == pointers and {err["code"] for err in errors} == {10120}
    assert api.rok("GET", ENTRY)["version"] == "1"


def test_a_bad_position_and_a_bad_rule_are_reported_together(api):
    ruleset = entry(api, "a")
    errors = api.errors_of(api.rcall("POST", f"/{ruleset['id']}/rules", json={"action": "block", "position": {"index": 9}}), 400)
    assert [(err["code"], err["source"]["pointer"]) for err in errors] == [(10126, "/position/index"), (10120, "/expression")]


def test_bad_rules_in_a_put_name_their_index(api):
    errors = api.errors_of(api.rcall("PUT", ENTRY, json={"rules": [rule("a"), {"action": "block"}, "x"]}), 400)
    assert [err["source"]["pointer"] for err in errors] == ["/rules/1/expression", "/rules/2"]
    assert api.codes_of(api.rcall("GET", ENTRY), 404) == [10003]


def test_read_token_reads_rulesets_but_writes_nothing(api, sim):
    ruleset = entry(api, "a")
    read = {"Authorization": "Bearer " + sim.read_token}
    assert api.rcall("GET", ENTRY, headers=read).json()["result"] == ruleset
    assert api.rcall("GET", headers=read).status_code == 200
    rule_id = ruleset["rules"][0]["id"]
    writes = [("POST", f"/{ruleset['id']}/rules", rule("b")), ("PATCH", f"/{ruleset['id']}/rules/{rule_id}", rule("a")),
              ("DELETE", f"/{ruleset['id']}/rules/{rule_id}", None), ("PUT", ENTRY, {"rules": []}),
              ("PUT", f"/{ruleset['id']}", {"rules": []}), ("POST", "", {"name": "x", "kind": "custom", "phase": WAF, "rules": []})]
    for method, suffix, body in writes:
        assert api.codes_of(api.rcall(method, suffix, headers=read, json=body), 403) == [10000], (method, suffix)
    assert api.rok("GET", ENTRY) == ruleset
    key = {"X-Auth-Email": sim.email, "X-Auth-Key": sim.api_key}
    assert refs_of(api.rok("POST", f"/{ruleset['id']}/rules", headers=key, json=rule("b"))) == ["a", "b"]


def test_account_scope_entry_points_are_root(api, sim):
    scope = f"accounts/{sim.account_id}"
    sim.create_list("redirects", "redirect")
    body = {"rules": [{"ref": "bulk", "action": "redirect", "expression": "http.request.full_uri in $redirects",
                       "action_parameters": {"from_list": {"name": "redirects", "key": "http.request.full_uri"}}}]}
    made = api.rok("PUT", "/phases/http_request_redirect/entrypoint", scope=scope, json=body)
    assert made["kind"] == "root" and refs_of(made) == ["bulk"]
    assert sim.get_entrypoint_rules("http_request_redirect", account_id=sim.account_id)[0]["ref"] == "bulk"
    assert api.codes_of(api.rcall("GET", "/phases/http_request_redirect/entrypoint"), 404) == [10003]
