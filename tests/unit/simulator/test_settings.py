# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings for what Cloudflare leaves undocumented: each variant, its default, and how tests pick one."""

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BUSY_MESSAGE = "There is a limit of 1 pending bulk operation per account; an outstanding bulk operation is in progress"
STRICT_DEFAULTS = {"busy_writes": "reject", "busy_status": 400, "duplicate_append": "refuse", "ipv4_host32": "address",
                   "ipv6_address": "address", "host_bits": "refuse", "max_write_items": None, "entrypoint_missing": "404",
                   "entrypoint_race": False, "answer_extras": "add", "patch_same_version": "new", "missing_list_error": "unknown_list",
                   "max_rules_per_phase": 1000}


def admin(sim, method, route, body=None):
    """Call an admin endpoint; returns (status, json)."""
    response = requests.request(method, sim.base + "/__sim/" + route, json=body, timeout=10)
    return response.status_code, response.json()


def operations_of(sim):
    """How many bulk operations the main account has ever had (refused writes must add none)."""
    with sim._lock:  # pylint: disable=protected-access
        return len(sim.store.accounts[sim.account_id].operations)


def run(api, clock, list_id, items, method="POST"):
    """Send an item write, let its operation finish, return the operation."""
    operation_id = api.write(method, list_id, items)
    clock.advance(1)
    return api.operation(operation_id)


# -- defaults, configure(), the admin API, reset ----------------------------------------------------

def test_defaults_are_the_stricter_variants(sim, sim_module):
    assert {key: sim.config[key] for key in STRICT_DEFAULTS} == STRICT_DEFAULTS
    assert {key: sim_module.DEFAULTS[key] for key in STRICT_DEFAULTS} == STRICT_DEFAULTS
    assert sim_module.CHOICES == {
        "busy_writes": ("reject", "queue"), "busy_status": (400, 429), "duplicate_append": ("refuse", "ignore", "update"),
        "ipv4_host32": ("address", "cidr"), "ipv6_address": ("address", "slash64", "refuse"), "host_bits": ("refuse", "network", "as_given"),
        "entrypoint_missing": ("404", "empty"), "entrypoint_race": (False, True), "answer_extras": ("add", "none"),
        "patch_same_version": ("new", "same"), "missing_list_error": ("unknown_list", "filter_parse"),
    }


def test_constructor_settings_are_what_reset_returns_to(sim_module):
    sim = sim_module.Simulator(busy_writes="queue", busy_status=429, duplicate_append="update", ipv4_host32="cidr",
                               ipv6_address="slash64", host_bits="as_given", max_write_items=10, max_items=50)
    chosen = dict(sim.config)
    sim.configure(busy_writes="reject", duplicate_append="ignore", max_write_items=None)
    sim.reset()
    assert sim.config == chosen and chosen["host_bits"] == "as_given" and chosen["max_write_items"] == 10
    with pytest.raises(ValueError):
        sim_module.Simulator(host_bits="strict")


@pytest.mark.parametrize("key, bad", [
    ("busy_writes", "sometimes"), ("busy_status", 503), ("busy_status", "429"), ("duplicate_append", "merge"), ("ipv4_host32", "bare"),
    ("ipv6_address", "slash48"), ("host_bits", "strict"), ("max_write_items", 0), ("max_write_items", "10"), ("max_write_items", True),
    ("max_items", -1), ("per_page_default", 501), ("op_duration", -1), ("rate_limit", [1]),
])
def test_bad_values_are_refused_by_configure_and_admin(sim, key, bad):
    before = dict(sim.config)
    with pytest.raises(ValueError, match=key):
        sim.configure(**{key: bad})
    status, body = admin(sim, "POST", "config", {key: bad})
    assert status == 400 and key in body["error"]
    assert sim.config == before


def test_admin_config_sets_every_variant_and_reset_restores_the_defaults(sim, sim_module):
    for key, variants in sim_module.CHOICES.items():
        for variant in variants:
            status, config = admin(sim, "POST", "config", {key: variant})
            assert status == 200 and config[key] == variant
            assert admin(sim, "GET", "config")[1][key] == variant
    assert admin(sim, "POST", "config", {"max_write_items": 7})[1]["max_write_items"] == 7
    admin(sim, "POST", "reset")
    config = admin(sim, "GET", "config")[1]
    assert {key: config[key] for key in STRICT_DEFAULTS} == STRICT_DEFAULTS


def test_admin_settings_describes_variants_and_defaults(sim):
    sim.configure(duplicate_append="ignore")
    status, described = admin(sim, "GET", "settings")
    assert status == 200
    assert described["duplicate_append"] == {"value": "ignore", "default": "refuse", "variants": ["refuse", "ignore", "update"],
                                             "help": described["duplicate_append"]["help"]}
    assert described["max_write_items"]["default"] is None and described["max_write_items"]["variants"] is None
    assert described["busy_status"]["variants"] == [400, 429]
    assert set(described) == set(sim.config)


# -- busy_writes and busy_status ------------------------------------------------------------------------

@pytest.mark.parametrize("method, body", [("POST", [{"ip": "192.0.2.2"}]), ("PUT", []), ("DELETE", {"items": [{"id": "a" * 32}]})])
def test_busy_write_is_refused_with_400_and_changes_nothing(api, sim, clock, method, body):
    list_id = api.new_list()
    first = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    count = operations_of(sim)
    busy = api.call(method, f"/{list_id}/items", json=body)
    assert busy.status_code == 400 and "Retry-After" not in busy.headers
    assert busy.json() == {"result": None, "success": False, "errors": [{"code": 10108, "message": BUSY_MESSAGE}], "messages": []}
    assert "bulk operation" in BUSY_MESSAGE and "pending" in BUSY_MESSAGE
    assert operations_of(sim) == count
    clock.advance(1)
    assert api.operation(first)["status"] == "completed"
    assert [item["ip"] for item in api.items(list_id)] == ["192.0.2.1"]
    assert api.write(method, list_id, body)


def test_busy_status_429_has_retry_after_and_a_json_body(api, sim, clock):
    sim.configure(busy_status=429)
    list_id = api.new_list()
    sim.add_operation(duration=30)
    clock.advance(10)
    busy = api.call("POST", f"/{list_id}/items", json=[{"ip": "192.0.2.1"}])
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
    assert busy.headers["Content-Type"] == "application/json"
    assert busy.json()["errors"] == [{"code": 10108, "message": BUSY_MESSAGE}]
    assert operations_of(sim) == 1
    clock.advance(20)
    api.write("POST", list_id, [{"ip": "192.0.2.1"}])


def test_busy_is_per_account_and_covers_other_lists(api, sim, clock):
    sim.add_account("fedcba9876543210fedcba9876543210")
    first, second = api.new_list("first"), api.new_list("second")
    sim.add_operation(account_id="fedcba9876543210fedcba9876543210", duration=100)
    api.write("POST", first, [{"ip": "192.0.2.1"}])
    assert api.call("POST", f"/{second}/items", json=[{"ip": "192.0.2.2"}]).status_code == 400
    clock.advance(0.5)
    assert api.call("PUT", f"/{second}/items", json=[]).status_code == 400
    clock.advance(0.5)
    api.write("POST", second, [{"ip": "192.0.2.2"}])


def test_busy_queue_variant_through_the_admin_api(api, sim, clock):
    assert admin(sim, "POST", "config", {"busy_writes": "queue"})[0] == 200
    list_id = api.new_list()
    ops = [api.write("POST", list_id, [{"ip": f"192.0.2.{n}"}]) for n in (1, 2, 3)]
    clock.advance(3)
    assert [api.operation(op)["status"] for op in ops] == ["completed"] * 3
    assert [item["ip"] for item in api.items(list_id)] == ["192.0.2.1", "192.0.2.2", "192.0.2.3"]


# -- duplicate_append -------------------------------------------------------------------------------------

def test_refuse_fails_an_append_of_a_value_already_in_the_list(api, clock):
    list_id = api.new_list()
    run(api, clock, list_id, [{"ip": "192.0.2.1", "comment": "kept"}])
    (before,) = api.items(list_id)
    operation = run(api, clock, list_id, [{"ip": "198.51.100.1"}, {"ip": "192.0.2.1/32", "comment": "new"}])
    assert operation["status"] == "failed"
    assert operation["error"] == "item 1: '192.0.2.1/32' is already in the list (as '192.0.2.1'); duplicate items are refused"
    assert api.items(list_id) == [before]


def test_refuse_fails_a_body_holding_a_value_twice(api, clock):
    list_id = api.new_list()
    operation = run(api, clock, list_id, [{"ip": "192.0.2.1"}, {"ip": "198.51.100.1"}, {"ip": "192.0.2.1", "comment": "again"}])
    assert operation["status"] == "failed" and "item 2: '192.0.2.1' duplicates item 0" in operation["error"]
    assert api.items(list_id) == []
    operation = run(api, clock, list_id, [{"ip": "10.0.0.0/8"}, {"ip": "10.0.0.0/8"}], method="PUT")
    assert operation["status"] == "failed" and "'10.0.0.0/8' duplicates item 0" in operation["error"]


@pytest.mark.parametrize("kind, first, again, name", [
    ("hostname", {"url_hostname": "example.com"}, {"url_hostname": "example.com", "exclude_exact_hostname": False}, "'example.com'"),
    ("asn", 13335, 13335, "13335"),
    ("redirect", {"source_url": "example.com/a", "target_url": "https://example.net/1"},
     {"source_url": "example.com/a", "target_url": "https://example.net/2"}, "'example.com/a'"),
])
def test_refuse_names_the_duplicate_of_every_kind(api, clock, kind, first, again, name):
    list_id = api.new_list(kind=kind)
    assert run(api, clock, list_id, [{kind: first}])["status"] == "completed"
    operation = run(api, clock, list_id, [{kind: again}])
    assert operation["error"].startswith(f"item 0: {name} is already in the list")
    assert len(api.items(list_id)) == 1


def test_ignore_keeps_the_item_in_the_list_and_the_first_of_a_body(api, sim, clock):
    sim.configure(duplicate_append="ignore")
    list_id = api.new_list()
    run(api, clock, list_id, [{"ip": "192.0.2.1", "comment": "old"}])
    (before,) = api.items(list_id)
    clock.advance(5)
    operation = run(api, clock, list_id, [{"ip": "192.0.2.1", "comment": "new"}, {"ip": "198.51.100.1", "comment": "first"},
                                          {"ip": "198.51.100.1", "comment": "second"}])
    assert operation["status"] == "completed"
    kept, added = api.items(list_id)
    assert kept == before
    assert added["ip"] == "198.51.100.1" and added["comment"] == "first"


def test_update_keeps_id_and_created_on_and_takes_the_last_of_a_body(api, sim, clock):
    assert admin(sim, "POST", "config", {"duplicate_append": "update"})[0] == 200
    list_id = api.new_list(kind="redirect")
    run(api, clock, list_id, [{"redirect": {"source_url": "example.com/a", "target_url": "https://example.net/1"}, "comment": "old"}])
    (before,) = api.items(list_id)
    clock.advance(5)
    run(api, clock, list_id, [{"redirect": {"source_url": "example.com/a", "target_url": "https://example.net/2", "status_code": 302}},
                              {"redirect": {"source_url": "example.com/a", "target_url": "https://example.net/3"}, "comment": "last"}])
    (after,) = api.items(list_id)
    assert (after["id"], after["created_on"]) == (before["id"], before["created_on"]) and after["modified_on"] > before["modified_on"]
    assert after["redirect"]["target_url"] == "https://example.net/3" and after["redirect"]["status_code"] == 301
    assert after["comment"] == "last"


def test_update_within_one_body_keeps_the_first_position(api, sim, clock):
    sim.configure(duplicate_append="update")
    list_id = api.new_list(kind="asn")
    run(api, clock, list_id, [{"asn": 1, "comment": "a"}, {"asn": 2}, {"asn": 1, "comment": "b"}], method="PUT")
    assert [(item["asn"], item.get("comment")) for item in api.items(list_id)] == [(1, "b"), (2, None)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12),
       existing=st.sets(st.integers(min_value=0, max_value=6), max_size=4), rule=st.sampled_from(["refuse", "ignore", "update"]))
def test_duplicate_rules_match_a_model(sim, values, existing, rule):
    sim.reset()
    sim.configure(duplicate_append=rule)
    list_id = sim.create_list("model", "asn", items=[{"asn": value, "comment": "existing"} for value in sorted(existing)])["id"]
    body = [{"asn": value, "comment": f"body {position}"} for position, value in enumerate(values)]
    model = {value: "existing" for value in sorted(existing)}
    clash = len(set(values)) < len(values) or bool(existing & set(values))
    for position, value in enumerate(values):
        if value not in model or rule == "update":
            model[value] = f"body {position}"
    if rule == "refuse" and clash:
        with pytest.raises(ValueError, match="refused"):
            sim.add_items(list_id, body)
        assert [item["asn"] for item in sim.get_items(list_id)] == sorted(existing)
        return
    stored = sim.add_items(list_id, body)
    assert [(item["asn"], item["comment"]) for item in stored] == list(model.items())


# -- how IPs are stored -----------------------------------------------------------------------------------

@pytest.mark.parametrize("config, given, stored", [
    ({}, "192.0.2.1/32", "192.0.2.1"),
    ({"ipv4_host32": "cidr"}, "192.0.2.1/32", "192.0.2.1/32"),
    ({"ipv4_host32": "cidr"}, "192.0.2.1", "192.0.2.1"),
    ({}, "2001:DB8:0:0::1", "2001:db8::1"),
    ({"ipv6_address": "slash64"}, "2001:db8::1", "2001:db8::/64"),
    ({"ipv6_address": "slash64"}, "2001:DB8:0:0:FFFF::1", "2001:db8::/64"),
    ({"host_bits": "network"}, "10.0.0.1/24", "10.0.0.0/24"),
    ({"host_bits": "as_given"}, "10.0.0.1/24", "10.0.0.1/24"),
    ({"host_bits": "network"}, "2001:DB8::1/48", "2001:db8::/48"),
    ({"host_bits": "as_given"}, "2001:DB8::1/48", "2001:db8::1/48"),
    ({}, "10.0.0.0/8", "10.0.0.0/8"),
    ({}, "2000::/4", "2000::/4"),
    ({}, "2001:DB8:AB::/64", "2001:db8:ab::/64"),
])
def test_ip_storage_variants(api, sim, clock, config, given, stored):
    sim.configure(**config)
    list_id = api.new_list()
    assert run(api, clock, list_id, [{"ip": given}])["status"] == "completed"
    assert api.items(list_id)[0]["ip"] == stored


@pytest.mark.parametrize("config, given, text", [
    ({}, "10.0.0.1/24", "'10.0.0.1/24' is not a valid IP address or CIDR: host bits are set (its network is 10.0.0.0/24)"),
    ({}, "2001:db8::1/48", "host bits are set (its network is 2001:db8::/48)"),
    ({"ipv6_address": "refuse"}, "2001:db8::1", "'2001:db8::1': individual IPv6 addresses are not accepted"),
    ({"host_bits": "as_given"}, "10.0.0.0/7", "IPv4 CIDR prefixes must be between /8 and /32"),
    ({}, "2000::/3", "IPv6 CIDR prefixes must be between /4 and /64"),
    ({}, "2001:db8::1/128", "IPv6 CIDR prefixes must be between /4 and /64"),
    ({}, "192.0.2.1/33", "not a valid IP address or CIDR"),
    ({}, "192.0.02.1", "not a valid IP address or CIDR"),
])
def test_ip_refusals_fail_the_operation(api, sim, clock, config, given, text):
    sim.configure(**config)
    list_id = api.new_list()
    operation = run(api, clock, list_id, [{"ip": "192.0.2.9"}, {"ip": given}])
    assert operation["status"] == "failed" and operation["error"].startswith("item 1: ") and text in operation["error"]
    assert api.items(list_id) == []


@pytest.mark.parametrize("config, first, second", [
    ({"ipv4_host32": "cidr"}, "192.0.2.1", "192.0.2.1/32"),
    ({}, "192.0.2.1/32", "192.0.2.1"),
    ({"ipv6_address": "slash64"}, "2001:db8::1", "2001:db8::2"),
    ({"ipv6_address": "slash64"}, "2001:db8::/64", "2001:db8::7"),
    ({"host_bits": "as_given"}, "10.0.0.1/24", "10.0.0.0/24"),
    ({}, "2001:DB8::/48", "2001:db8::/48"),
])
def test_ip_items_covering_the_same_network_are_duplicates(api, sim, clock, config, first, second):
    sim.configure(**config)
    list_id = api.new_list()
    operation = run(api, clock, list_id, [{"ip": first}, {"ip": second}])
    assert operation["status"] == "failed" and "duplicates item 0" in operation["error"]
    sim.configure(duplicate_append="update")
    assert run(api, clock, list_id, [{"ip": first}, {"ip": second}])["status"] == "completed"
    assert len(api.items(list_id)) == 1


# -- max_write_items --------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, make", [
    ("POST", lambda n: [{"ip": f"192.0.2.{i}"} for i in range(n)]),
    ("PUT", lambda n: [{"ip": f"192.0.2.{i}"} for i in range(n)]),
    ("DELETE", lambda n: {"items": [{"id": f"{i:032x}"} for i in range(n)]}),
])
def test_max_write_items_refuses_bigger_bodies_with_413(api, sim, clock, method, make):
    sim.configure(max_write_items=3)
    list_id = api.new_list()
    response = api.call(method, f"/{list_id}/items", json=make(4))
    assert response.status_code == 413
    assert response.json() == {"result": None, "success": False, "messages": [], "errors": [
        {"code": 10109, "message": "too many items in one request: 4 given, at most 3 items per request"}]}
    assert operations_of(sim) == 0
    assert api.write(method, list_id, make(3))
    clock.advance(1)
    assert operations_of(sim) == 1


def test_max_write_items_through_the_admin_api(api, sim):
    assert admin(sim, "POST", "config", {"max_write_items": 1})[1]["max_write_items"] == 1
    list_id = api.new_list()
    assert api.call("POST", f"/{list_id}/items", json=[{"ip": "192.0.2.1"}, {"ip": "192.0.2.2"}]).status_code == 413
    assert admin(sim, "POST", "config", {"max_write_items": None})[1]["max_write_items"] is None
    assert api.write("POST", list_id, [{"ip": "192.0.2.1"}, {"ip": "192.0.2.2"}])


# -- hostname items -------------------------------------------------------------------------------------

def test_hostname_items_keep_exclude_exact_hostname_when_given(api, clock):
    list_id = api.new_list(kind="hostname")
    body = [{"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": False}},
            {"hostname": {"url_hostname": "*.example.org", "exclude_exact_hostname": True}},
            {"hostname": {"url_hostname": "example.net"}}]
    assert run(api, clock, list_id, body)["status"] == "completed"
    assert [item["hostname"] for item in api.items(list_id)] == [value["hostname"] for value in body]
    item_id = api.items(list_id)[0]["id"]
    assert api.ok("GET", f"/{list_id}/items/{item_id}")["hostname"] == {"url_hostname": "*.example.com", "exclude_exact_hostname": False}


@pytest.mark.parametrize("hostname", [{"url_hostname": "example.com", "exclude_exact_hostname": "no"},
                                      {"url_hostname": "example.com", "exclude_exact_hostname": None},
                                      {"url_hostname": "example.com", "exclude": True}])
def test_hostname_items_of_the_wrong_json_shape_get_400(api, hostname):
    list_id = api.new_list(kind="hostname")
    response = api.call("POST", f"/{list_id}/items", json=[{"hostname": hostname}])
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == 10026
