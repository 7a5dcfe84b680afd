# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's Rulesets and Zones answers, and sample rule requests, have the shapes Cloudflare's schema declares.

The schema is cloudflare-rulesets.openapi.json beside this file (Cloudflare's api-schemas, August
2024, BSD-3-Clause, with three defects patched; see cloudflare-rulesets.openapi.NOTICE.md).  The
sample requests are the bodies a client sends: a rule (POST or PATCH, with each kind of position),
a new ruleset, an entry point or ruleset replacement.  The simulator must accept each one the
schema accepts, and refuse the invalid ones the schema refuses.
"""

import pytest

WAF = "http_request_firewall_custom"
ENTRY = f"/phases/{WAF}/entrypoint"
JSON = "content/application~1json/schema"
RESPONSES = {
    "ruleset": f"#/components/responses/rulesets_Ruleset/{JSON}",
    "rulesets": f"#/components/responses/rulesets_Rulesets/{JSON}",
    "failure": f"#/components/responses/rulesets_Failure/{JSON}",
    "zones": f"#/paths/~1zones/get/responses/200/{JSON}",
    "zones_failure": f"#/paths/~1zones/get/responses/4XX/{JSON}",
}
REQUESTS = {
    "rule": f"#/components/requestBodies/rulesets_Rule/{JSON}",
    "create": f"#/components/requestBodies/rulesets_CreateRuleset/{JSON}",
    "entrypoint": f"#/components/requestBodies/rulesets_UpdateEntrypointRuleset/{JSON}",
    "update": f"#/components/requestBodies/rulesets_UpdateRuleset/{JSON}",
}
SAMPLE_RULES = [
    {"ref": "block_listed", "action": "block", "expression": "ip.src in $blocked_ips", "description": "listed addresses"},
    {"ref": "challenge", "action": "managed_challenge", "expression": "ip.src.asnum in $bad_asns", "enabled": False},
    {"ref": "js", "action": "js_challenge", "expression": 'http.host in $hosts'},
    {"ref": "old_challenge", "action": "challenge", "expression": "ip.src in $blocked_ips"},
    {"ref": "log_it", "action": "log", "expression": "ip.src in $cf.open_proxies"},
    {"ref": "skip_it", "action": "skip", "expression": "ip.src in $blocked_ips", "action_parameters": {"ruleset": "current"},
     "logging": {"enabled": False}},
]
BULK_REDIRECT = {"ref": "bulk", "action": "redirect", "expression": "http.request.full_uri in $redirects",
                 "action_parameters": {"from_list": {"name": "redirects", "key": "http.request.full_uri"}}}


@pytest.fixture(scope="module")
def schemas(openapi):
    """Cloudflare's Rulesets schema."""
    return openapi("cloudflare-rulesets.openapi.json")


@pytest.fixture
def lists(sim):
    """The lists the sample rules name."""
    for name, kind in (("blocked_ips", "ip"), ("bad_asns", "asn"), ("hosts", "hostname"), ("redirects", "redirect")):
        sim.create_list(name, kind)


def sent(api, schemas, kind, method, suffix="", scope=None, body=None):
    """Check a request body against the schema, send it, check the answer; returns the result."""
    schemas.check(body, REQUESTS[kind])
    result = api.rok(method, suffix, scope, json=body)
    schemas.check({"result": result, "success": True, "errors": [], "messages": []}, RESPONSES["ruleset"])
    return result


@pytest.mark.parametrize("extras", ["add", "none"])
def test_success_answers_and_their_requests(api, sim, schemas, lists, extras):  # pylint: disable=redefined-outer-name,unused-argument
    sim.configure(answer_extras=extras)
    entry = sent(api, schemas, "entrypoint", "PUT", ENTRY, body={"rules": SAMPLE_RULES[:2], "description": "custom rules"})
    first, second = (item["id"] for item in entry["rules"])
    for body in SAMPLE_RULES[2:]:
        sent(api, schemas, "rule", "POST", f"/{entry['id']}/rules", body=body)
    for index, position in enumerate(({"before": ""}, {"after": ""}, {"before": second}, {"after": first}, {"index": 2})):
        sent(api, schemas, "rule", "POST", f"/{entry['id']}/rules", body=dict(SAMPLE_RULES[0], ref=f"placed_{index}", position=position))
    sent(api, schemas, "rule", "PATCH", f"/{entry['id']}/rules/{first}", body=dict(SAMPLE_RULES[0], description="changed"))
    moved = api.rok("PATCH", f"/{entry['id']}/rules/{first}", json={"position": {"index": 1}})  # see the defect test below
    schemas.check({"result": moved, "success": True, "errors": [], "messages": []}, RESPONSES["ruleset"])
    schemas.check(api.rcall("DELETE", f"/{entry['id']}/rules/{second}").json(), RESPONSES["ruleset"])
    schemas.check(api.rcall("GET", ENTRY).json(), RESPONSES["ruleset"])
    schemas.check(api.rcall("GET", f"/{entry['id']}").json(), RESPONSES["ruleset"])
    custom = sent(api, schemas, "create", "POST", body={"name": "extra", "kind": "custom", "phase": WAF, "rules": [SAMPLE_RULES[0]]})
    sent(api, schemas, "update", "PUT", f"/{custom['id']}", body={"rules": SAMPLE_RULES, "description": "all of them"})
    schemas.check(api.rcall("GET").json(), RESPONSES["rulesets"])
    account = f"accounts/{sim.account_id}"
    bulk = {"name": "bulk", "kind": "root", "phase": "http_request_redirect", "rules": [BULK_REDIRECT]}
    sent(api, schemas, "create", "POST", scope=account, body=bulk)
    schemas.check(api.rcall("GET", scope=account).json(), RESPONSES["rulesets"])
    zones = api.session.get(sim.url + "/zones", params={"name": "example.com"}, headers=api.headers, timeout=10).json()
    assert len(zones["result"]) == 1
    schemas.check(zones, RESPONSES["zones"])


def test_error_answers(api, sim, schemas, lists):  # pylint: disable=redefined-outer-name,unused-argument
    entry = api.rok("PUT", ENTRY, json={"rules": SAMPLE_RULES[:1]})
    rule_id = entry["rules"][0]["id"]
    read = {"Authorization": "Bearer " + sim.read_token}
    failures = [
        api.rcall("GET", "/phases/http_ratelimit/entrypoint"),
        api.rcall("POST", json={"name": "again", "kind": "zone", "phase": WAF, "rules": []}),
        api.rcall("POST", f"/{entry['id']}/rules", json=SAMPLE_RULES[0]),
        api.rcall("POST", f"/{entry['id']}/rules", json={"action": "explode", "expression": "ip.src in $nowhere"}),
        api.rcall("POST", f"/{entry['id']}/rules", json=dict(SAMPLE_RULES[1], position={"index": 9})),
        api.rcall("PATCH", f"/{entry['id']}/rules/{'0' * 32}", json=SAMPLE_RULES[1]),
        api.rcall("DELETE", f"/{entry['id']}/rules/{rule_id}", headers=read),
        api.rcall("GET", "/" + "0" * 32),
        api.rcall("GET", "/phases/nowhere/entrypoint"),
        api.rcall("GET", scope="zones/" + "0" * 32),
    ]
    sim.configure(max_rules_per_phase=1)
    failures.append(api.rcall("POST", f"/{entry['id']}/rules", json=SAMPLE_RULES[1]))
    sim.add_fault("status", status=503, path="/rulesets")
    failures.append(api.rcall("GET"))
    sim.add_fault("success_false", path="/rulesets")
    failures.append(api.rcall("GET"))
    for response in failures:
        assert response.json()["success"] is False, response.text
        schemas.check(response.json(), RESPONSES["failure"])
    zone_failure = api.session.get(sim.url + "/zones", headers={"Authorization": "Bearer unknown"}, timeout=10).json()
    schemas.check(zone_failure, RESPONSES["zones_failure"])


@pytest.mark.parametrize("body", [
    dict(SAMPLE_RULES[0], position={"before": "", "after": ""}),
    dict(SAMPLE_RULES[0], position={"index": 0}),
    dict(SAMPLE_RULES[0], position={"before": "not-an-id"}),
    dict(SAMPLE_RULES[0], ref=""),
    dict(SAMPLE_RULES[0], expression=""),
    dict(SAMPLE_RULES[0], enabled="yes"),
    dict(SAMPLE_RULES[0], action="explode"),
    dict(SAMPLE_RULES[0], logging={}),
])
def test_requests_the_schema_refuses_are_refused(api, schemas, lists, body):  # pylint: disable=redefined-outer-name,unused-argument
    assert schemas.errors(body, REQUESTS["rule"])
    entry = api.rok("PUT", ENTRY, json={"rules": []})
    assert api.rcall("POST", f"/{entry['id']}/rules", json=body).status_code == 400
    assert api.rok("GET", ENTRY)["version"] == entry["version"]


def test_defect_expression_is_not_required_in_requests(api, schemas):  # pylint: disable=redefined-outer-name
    body = {"ref": "no_expression", "action": "block"}
    assert schemas.errors(body, REQUESTS["rule"]) == []
    entry = api.rok("PUT", ENTRY, json={"rules": []})
    assert api.codes_of(api.rcall("POST", f"/{entry['id']}/rules", json=body), 400) == [10120]


def test_defect_a_move_only_body_matches_every_rule_type(api, schemas):  # pylint: disable=redefined-outer-name
    body = {"position": {"index": 1}}
    assert any("is valid under each of" in text for text in schemas.errors(body, REQUESTS["rule"]))
    entry = api.rok("PUT", ENTRY, json={"rules": [{"ref": "a", "action": "log", "expression": "true"}]})
    assert api.rok("PATCH", f"/{entry['id']}/rules/{entry['rules'][0]['id']}", json=body)["version"] == "2"


def test_defect_a_static_target_url_matches_both_branches(api, schemas):  # pylint: disable=redefined-outer-name
    body = {"rules": [{"ref": "to_www", "action": "redirect", "expression": 'http.host eq "example.com"',
                       "action_parameters": {"from_value": {"target_url": {"value": "https://www.example.com/"}}}}]}
    assert any("is not valid under any of the given schemas" in text for text in schemas.errors(body, REQUESTS["entrypoint"]))
    assert api.rok("PUT", "/phases/http_request_dynamic_redirect/entrypoint", json=body)["rules"][0]["ref"] == "to_www"


def test_patched_defects_stay_patched(schemas):  # pylint: disable=redefined-outer-name
    patches = schemas.document["info"]["x-extract-patches"]
    assert len(patches) == 5
    assert schemas.errors(dict(SAMPLE_RULES[0], action="managed_challenge"), REQUESTS["rule"]) == []
    for position in ({"before": ""}, {"after": "0" * 32}, {"index": 3}):
        assert schemas.errors(dict(SAMPLE_RULES[0], position=position), REQUESTS["rule"]) == []
    assert schemas.errors({"name": "n", "kind": "zone", "phase": WAF, "rules": []}, REQUESTS["create"]) == []
