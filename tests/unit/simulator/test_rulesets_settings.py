# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Rulesets API's settings (each variant), rules that use lists, faults, counters, the admin and Python APIs."""

import pytest
import requests

WAF = "http_request_firewall_custom"
ENTRY = f"/phases/{WAF}/entrypoint"
RULES_ROUTE = "POST /client/v4/zones/{zone_id}/rulesets/{ruleset_id}/rules"
PATCH_ROUTE = "PATCH /client/v4/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}"


def rule(ref, expression="ip.src eq 192.0.2.1", action="block", **extra):
    """A rule body."""
    return dict(ref=ref, action=action, expression=expression, **extra)


def admin(sim, method, route, body=None):
    """Call an admin endpoint; returns (status, json)."""
    response = requests.request(method, sim.base + "/__sim/" + route, json=body, timeout=10)
    return response.status_code, response.json()


def list_uses(api, list_id):
    """The list's num_referencing_filters, as the Lists API answers it."""
    return api.ok("GET", f"/{list_id}")["num_referencing_filters"]


# -- settings ---------------------------------------------------------------------------------------

def test_entrypoint_missing_empty_answers_null(api, sim):
    sim.configure(entrypoint_missing="empty")
    response = api.rcall("GET", ENTRY)
    assert response.status_code == 200 and response.json() == {"result": None, "success": True, "errors": [], "messages": []}


def test_entrypoint_race_refuses_the_post_and_keeps_the_other_rule(api, sim):
    sim.configure(entrypoint_race=True)
    body = {"name": "mine", "kind": "zone", "phase": WAF, "rules": [rule("mine")]}
    assert api.codes_of(api.rcall("POST", json=body), 400) == [20217]
    elsewhere = api.rok("GET", ENTRY)
    assert [item["ref"] for item in elsewhere["rules"]] == ["made_elsewhere"] and elsewhere["kind"] == "zone"
    added = api.rok("POST", f"/{elsewhere['id']}/rules", json=rule("mine"))
    assert [item["ref"] for item in added["rules"]] == ["made_elsewhere", "mine"]
    assert added["rules"][0] == elsewhere["rules"][0]


def test_entrypoint_race_makes_a_put_replace_the_other_rule(api, sim):
    sim.configure(entrypoint_race=True)
    put = api.rok("PUT", ENTRY, json={"rules": [rule("mine")]})
    assert [item["ref"] for item in put["rules"]] == ["mine"] and put["version"] == "2"


def test_entrypoint_race_in_bulk_redirects_uses_a_redirect_list(api, sim):
    sim.configure(entrypoint_race=True)
    redirects = api.new_list("redirects", "redirect")
    scope, suffix = f"accounts/{sim.account_id}", "/phases/http_request_redirect/entrypoint"
    mine = {"ref": "mine", "action": "redirect", "expression": "http.request.full_uri in $redirects",
            "action_parameters": {"from_list": {"name": "redirects", "key": "http.request.full_uri"}}}
    body = {"name": "bulk", "kind": "root", "phase": "http_request_redirect", "rules": [mine]}
    assert api.codes_of(api.rcall("POST", scope=scope, json=body), 400) == [20217]
    elsewhere = api.rok("GET", suffix, scope=scope)["rules"][0]
    assert elsewhere["ref"] == "made_elsewhere" and elsewhere["action_parameters"]["from_list"]["name"] == "redirects"
    assert list_uses(api, redirects) == 1
    kept = api.rok("PUT", suffix, scope=scope, json={"rules": [{"id": elsewhere["id"], **{key: elsewhere[key] for key in (
        "ref", "action", "expression", "description", "enabled", "action_parameters")}}, mine]})
    assert [item["ref"] for item in kept["rules"]] == ["made_elsewhere", "mine"] and list_uses(api, redirects) == 2


def test_entrypoint_race_off_lets_the_first_post_through(api):
    assert api.rok("POST", json={"name": "mine", "kind": "zone", "phase": WAF, "rules": []})["rules"] == []


def test_answer_extras_add_and_none(api, sim):
    ruleset = api.rok("PUT", ENTRY, json={"rules": [rule("skip_it", action="skip", action_parameters={"ruleset": "current"})]})
    answered = ruleset["rules"][0]
    assert answered["categories"] and answered["logging"] == {"enabled": True}
    stored = sim.get_entrypoint_rules(WAF)[0]
    assert "categories" not in stored and "logging" not in stored
    dynamic = "/phases/http_request_dynamic_redirect/entrypoint"
    body = {"rules": [rule("r", action="redirect", action_parameters={"from_value": {"target_url": {"value": "https://example.net/"}}})]}
    from_value = api.rok("PUT", dynamic, json=body)["rules"][0]["action_parameters"]["from_value"]
    assert from_value == {"target_url": {"value": "https://example.net/"}, "status_code": 301, "preserve_query_string": False}
    sim.configure(answer_extras="none")
    assert api.rok("GET", ENTRY)["rules"] == [stored]
    assert api.rok("GET", dynamic)["rules"][0]["action_parameters"] == body["rules"][0]["action_parameters"]


@pytest.mark.parametrize("variant, version", [("new", "2"), ("same", "1")])
def test_patch_same_version(api, sim, clock, variant, version):
    sim.configure(patch_same_version=variant)
    ruleset = api.rok("PUT", ENTRY, json={"rules": [rule("a", description="d")]})
    rule_id = ruleset["rules"][0]["id"]
    clock.advance(1)
    after = api.rok("PATCH", f"/{ruleset['id']}/rules/{rule_id}", json=rule("a", description="d"))
    assert (after["version"], after["rules"][0]["version"]) == (version, version)
    assert (after["last_updated"] == ruleset["last_updated"]) is (variant == "same")
    changed = api.rok("PATCH", f"/{ruleset['id']}/rules/{rule_id}", json=rule("a", description="e"))
    assert changed["rules"][0]["version"] == str(int(version) + 1)


@pytest.mark.parametrize("variant, code, text", [
    ("unknown_list", 10127, "unknown list 'nowhere': no list of that name in the account"),
    ("filter_parse", 10014, "filter parsing error: 'nowhere' is not a valid list reference"),
])
def test_missing_list_error_variants(api, sim, variant, code, text):
    sim.configure(missing_list_error=variant)
    response = api.rcall("PUT", ENTRY, json={"rules": [rule("a", expression="ip.src in $nowhere")]})
    assert api.errors_of(response, 400) == [{"code": code, "message": text, "source": {"pointer": "/rules/0/expression"}}]
    assert api.codes_of(api.rcall("GET", ENTRY), 404) == [10003]


def test_managed_lists_and_strings_are_not_account_lists(api):
    expression = 'ip.src in $cf.open_proxies or http.request.uri.path eq "/$nowhere"'
    assert api.rok("PUT", ENTRY, json={"rules": [rule("a", expression=expression)]})["rules"][0]["expression"] == expression


def test_max_rules_per_phase(api, sim):
    sim.configure(max_rules_per_phase=2)
    ruleset = api.rok("PUT", ENTRY, json={"rules": [rule("a"), rule("b")]})
    errors = api.errors_of(api.rcall("POST", f"/{ruleset['id']}/rules", json=rule("c")), 400)
    assert [err["code"] for err in errors] == [10125]
    assert errors[0]["message"] == (f"exceeded maximum number of rules in the phase '{WAF}': at most 2 rules (the plan's limit); "
                                    f"this change would make 3")
    assert api.codes_of(api.rcall("PUT", ENTRY, json={"rules": [rule("a"), rule("b"), rule("c")]}), 400) == [10125]
    assert api.rok("GET", ENTRY) == ruleset
    sim.configure(max_rules_per_phase=None)
    assert len(api.rok("POST", f"/{ruleset['id']}/rules", json=rule("c"))["rules"]) == 3


def test_settings_are_described_and_checked(sim):
    status, described = admin(sim, "GET", "settings")
    assert status == 200
    assert described["entrypoint_race"] == {"value": False, "default": False, "variants": [False, True],
                                            "help": described["entrypoint_race"]["help"]}
    assert described["max_rules_per_phase"]["default"] == 1000 and described["entrypoint_missing"]["variants"] == ["404", "empty"]
    for bad in ({"entrypoint_race": 1}, {"entrypoint_missing": 404}, {"answer_extras": "some"}, {"max_rules_per_phase": 0}):
        assert admin(sim, "POST", "config", bad)[0] == 400, bad
    assert admin(sim, "POST", "config", {"entrypoint_race": True, "missing_list_error": "filter_parse"})[1]["entrypoint_race"] is True
    sim.reset()
    assert sim.config["entrypoint_race"] is False and sim.config["missing_list_error"] == "unknown_list"


def test_constructor_takes_the_ruleset_settings(sim_module):
    sim = sim_module.Simulator(entrypoint_missing="empty", max_rules_per_phase=5)
    assert (sim.config["entrypoint_missing"], sim.config["max_rules_per_phase"]) == ("empty", 5)
    with pytest.raises(ValueError):
        sim_module.Simulator(entrypoint_race="yes")


# -- rules that use lists ----------------------------------------------------------------------------

def test_rules_count_in_the_lists_they_use_and_block_their_deletion(api, sim):
    blocked = api.new_list("blocked")
    other = api.new_list("other")
    ruleset = api.rok("PUT", ENTRY, json={"rules": [rule("a", expression="ip.src in $blocked or ip.src in $blocked")]})
    assert (list_uses(api, blocked), list_uses(api, other)) == (1, 0)
    added = api.rok("POST", f"/{ruleset['id']}/rules", json=rule("b", expression="ip.src in $blocked and not ip.src in $other"))
    assert (list_uses(api, blocked), list_uses(api, other)) == (2, 1)
    assert api.codes_of(api.call("DELETE", f"/{blocked}"), 400) == [10031]
    ids = [item["id"] for item in added["rules"]]
    api.rok("PATCH", f"/{ruleset['id']}/rules/{ids[0]}", json=rule("a"))
    assert list_uses(api, blocked) == 1
    api.rok("DELETE", f"/{ruleset['id']}/rules/{ids[1]}")
    assert (list_uses(api, blocked), list_uses(api, other)) == (0, 0)
    assert api.ok("DELETE", f"/{blocked}") == {"id": blocked}


def test_whole_ruleset_writes_recount(api):
    blocked = api.new_list("blocked")
    api.rok("PUT", ENTRY, json={"rules": [rule("a", expression="ip.src in $blocked")]})
    api.rok("PUT", ENTRY, json={"rules": [rule("a", expression="ip.src in $blocked"), rule("b", expression="ip.src in $blocked")]})
    assert list_uses(api, blocked) == 2
    api.rok("PUT", ENTRY, json={"rules": []})
    assert list_uses(api, blocked) == 0


def test_seeded_uses_and_rule_uses_add_up(api, sim):
    status, seeded = admin(sim, "POST", "lists", {"name": "seeded", "kind": "ip", "num_referencing_filters": 2})
    assert status == 200 and seeded["num_referencing_filters"] == 2
    api.rok("PUT", ENTRY, json={"rules": [rule("a", expression="ip.src in $seeded")]})
    assert list_uses(api, seeded["id"]) == 3
    api.rok("PUT", ENTRY, json={"rules": []})
    assert list_uses(api, seeded["id"]) == 2
    assert api.codes_of(api.call("DELETE", f"/{seeded['id']}"), 400) == [10031]


def test_bulk_redirect_rules_need_an_existing_redirect_list(api, sim):
    scope = f"accounts/{sim.account_id}"
    suffix = "/phases/http_request_redirect/entrypoint"
    sim.create_list("ips", "ip")
    redirects = sim.create_list("redirects", "redirect")["id"]

    def bulk(name, key="http.request.full_uri", expression="http.request.full_uri in $redirects"):
        return {"rules": [{"ref": "bulk", "action": "redirect", "expression": expression,
                           "action_parameters": {"from_list": {"name": name, "key": key}}}]}
    assert api.errors_of(api.rcall("PUT", suffix, scope=scope, json=bulk("ips")), 400)[0]["source"]["pointer"] == \
        "/rules/0/action_parameters/from_list/name"
    assert api.codes_of(api.rcall("PUT", suffix, scope=scope, json=bulk("gone")), 400) == [10127]
    assert api.codes_of(api.rcall("PUT", suffix, scope=scope, json=bulk("redirects", key="http.host")), 400) == [10120]
    assert api.codes_of(api.rcall("PUT", suffix, scope=scope, json={"rules": [rule("r", action="redirect")]}), 400) == [10120]
    api.rok("PUT", suffix, scope=scope, json=bulk("redirects", expression="http.request.full_uri eq \"x\""))
    assert list_uses(api, redirects) == 1


# -- faults and counters --------------------------------------------------------------------------

def test_faults_on_rule_writes_change_nothing_and_are_counted(api, sim):
    ruleset = api.rok("PUT", ENTRY, json={"rules": [rule("a")]})
    sim.reset_counters()
    sim.add_fault("status", status=429, method="POST", path="/rules")
    sim.add_fault("status", status=503, method="POST", path="/rules", body="html")
    assert api.codes_of(api.rcall("POST", f"/{ruleset['id']}/rules", json=rule("b")), 429) == [971]
    assert api.rcall("POST", f"/{ruleset['id']}/rules", json=rule("b")).status_code == 503
    assert api.rok("GET", ENTRY) == ruleset
    counters = sim.get_counters()
    assert counters["routes"][RULES_ROUTE] == 2 and counters["statuses"] == {"429": 1, "503": 1, "200": 1}


def test_reset_before_and_after_a_rule_write(api, sim):
    ruleset = api.rok("PUT", ENTRY, json={"rules": [rule("a")]})
    rule_id = ruleset["rules"][0]["id"]
    sim.add_fault("reset", method="PATCH", path=f"/rules/{rule_id}")
    with pytest.raises(requests.ConnectionError):
        api.rcall("PATCH", f"/{ruleset['id']}/rules/{rule_id}", json=rule("a", action="log"))
    assert api.rok("GET", ENTRY) == ruleset
    sim.add_fault("reset", method="PATCH", path=f"/rules/{rule_id}", after=True)
    with pytest.raises(requests.ConnectionError):
        api.rcall("PATCH", f"/{ruleset['id']}/rules/{rule_id}", json=rule("a", action="log"))
    after = api.rok("GET", ENTRY)
    assert after["version"] == "2" and after["rules"][0]["action"] == "log"
    assert sim.get_counters()["routes"][PATCH_ROUTE] == 2


def test_counters_show_that_no_write_was_sent(api, sim):
    api.rok("PUT", ENTRY, json={"rules": [rule("a")]})
    sim.reset_counters()
    api.rok("GET", ENTRY)
    api.rok("GET")
    routes = sim.get_counters()["routes"]
    assert all(key.startswith("GET ") for key in routes) and sum(routes.values()) == 2


def test_rate_limit_covers_the_rulesets_api(api, sim):
    sim.configure(rate_limit=(2, 60))
    api.rcall("GET")
    api.rcall("GET", ENTRY)
    assert api.codes_of(api.rcall("GET"), 429) == [10100]


# -- admin and Python API ---------------------------------------------------------------------------

def test_admin_zones_rulesets_and_entrypoints(api, sim):
    status, zone = admin(sim, "POST", "zones", {"name": "example.org", "id": "ab" * 16})
    assert status == 200 and zone["id"] == "ab" * 16 and zone["account"]["id"] == sim.account_id
    assert [item["name"] for item in admin(sim, "GET", "zones")[1]["zones"]] == ["example.com", "example.org"]
    assert admin(sim, "POST", "zones", {"name": "example.org", "id": "ab" * 16})[0] == 400
    path = f"entrypoints/zones/{'ab' * 16}/{WAF}"
    assert admin(sim, "GET", path) == (200, {"entrypoint": None})
    status, seeded = admin(sim, "PUT", path, {"rules": [rule("seeded")]})
    assert status == 200 and seeded["rules"][0]["ref"] == "seeded"
    assert admin(sim, "GET", path)[1]["entrypoint"] == seeded
    assert api.rok("GET", ENTRY, scope=f"zones/{'ab' * 16}")["rules"][0]["id"] == seeded["rules"][0]["id"]
    assert admin(sim, "PUT", path, {"rules": [{"action": "nope"}]})[0] == 400
    everything = admin(sim, "GET", "rulesets")[1]["rulesets"]
    assert [(item["scope"], item["id"]) for item in everything] == [(f"zones/{'ab' * 16}", seeded["id"])]
    assert sim.get_counters()["total"] == 1
    assert admin(sim, "GET", f"entrypoints/zones/{'cd' * 16}/{WAF}")[0] == 400
    status, unknown = admin(sim, "DELETE", path)
    assert status == 404 and "PUT /entrypoints/{zones|accounts}/{id}/{phase}" in unknown["routes"]
    admin(sim, "POST", "reset")
    assert [item["id"] for item in sim.get_zones()] == [sim.zone_id] and admin(sim, "GET", "rulesets")[1] == {"rulesets": []}


def test_python_api(sim, sim_module):
    assert sim.zone_id == sim_module.DEFAULT_ZONE_ID and sim_module.DEFAULT_ZONE_NAME == "example.com"
    assert sim.state()["zone_id"] == sim.zone_id
    made = sim.set_entrypoint(WAF, [rule("a"), rule("b")], description="seeded")
    assert [item["ref"] for item in sim.get_entrypoint_rules(WAF)] == ["a", "b"] and made["description"] == "seeded"
    assert sim.get_entrypoint(WAF) == made and sim.get_rulesets() == [made]
    assert sim.get_entrypoint_rules("http_ratelimit") == [] and sim.get_entrypoint("http_ratelimit") is None
    with pytest.raises(ValueError, match="unknown list"):
        sim.set_entrypoint(WAF, [rule("a", expression="ip.src in $nowhere")])
    with pytest.raises(ValueError):
        sim.set_entrypoint("no_phase", [])
    with pytest.raises(ValueError):
        sim.add_zone("example.com", zone_id="short")
    assert sim.get_rulesets(account_id=sim.account_id) == []
    with pytest.raises(KeyError):
        sim.get_rulesets(zone_id="ef" * 16)
    assert sim.get_counters()["total"] == 0
