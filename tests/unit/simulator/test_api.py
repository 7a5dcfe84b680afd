# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated Lists API: authentication, routing, lists, items, bulk operations, paging."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def errors_of(response, status):
    """The error objects of a failed answer with HTTP ``status``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["result"] is None and body["messages"] == []
    return body["errors"]


def codes_of(response, status):
    """The error codes of a failed answer."""
    return [err["code"] for err in errors_of(response, status)]


# -- authentication -------------------------------------------------------------------------

@pytest.mark.parametrize("headers, message", [
    ({}, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"),
    ({"X-Auth-Email": "sim@example.com"}, "Missing X-Auth-Key header"),
    ({"X-Auth-Key": "sim-global-api-key-0000"}, "Missing X-Auth-Email header"),
])
def test_missing_auth_headers_get_9106(api, headers, message):
    assert errors_of(api.call("GET", headers=headers), 400) == [{"code": 9106, "message": message}]


@pytest.mark.parametrize("value", ["Token sim-edit-token-0000", "Bearer", "Bearer ", "bearer sim-edit-token-0000", "Bearer a b"])
def test_malformed_authorization_gets_6003_with_6111_chain(api, value):
    (err,) = errors_of(api.call("GET", headers={"Authorization": value}), 400)
    assert err["code"] == 6003
    assert err["error_chain"] == [{"code": 6111, "message": "Invalid format for Authorization header"}]


def test_malformed_email_gets_6003_with_6102_chain(api):
    (err,) = errors_of(api.call("GET", headers={"X-Auth-Email": "nobody", "X-Auth-Key": "k"}), 400)
    assert err["code"] == 6003 and err["error_chain"][0]["code"] == 6102


def test_unknown_token_gets_403_10000(api):
    assert errors_of(api.call("GET", headers={"Authorization": "Bearer nope"}), 403) == [{"code": 10000, "message": "Authentication error"}]


@pytest.mark.parametrize("email, key", [("sim@example.com", "wrong"), ("other@example.com", "sim-global-api-key-0000")])
def test_wrong_email_or_key_gets_403_9103(api, email, key):
    errors = errors_of(api.call("GET", headers={"X-Auth-Email": email, "X-Auth-Key": key}), 403)
    assert errors == [{"code": 9103, "message": "Unknown X-Auth-Key or X-Auth-Email"}]


def test_global_key_works_for_every_account(api, sim):
    sim.add_account(OTHER_ACCOUNT)
    headers = {"X-Auth-Email": "SIM@example.com", "X-Auth-Key": "sim-global-api-key-0000"}
    assert api.call("GET", headers=headers).status_code == 200
    response = api.session.get(api.lists_url(account_id=OTHER_ACCOUNT), headers=headers, timeout=10)
    assert response.status_code == 200 and response.json()["result"] == []


def test_token_on_an_account_it_does_not_own_gets_403(api, sim):
    sim.add_account(OTHER_ACCOUNT)
    response = api.session.get(api.lists_url(account_id=OTHER_ACCOUNT), headers=api.headers, timeout=10)
    assert codes_of(response, 403) == [10000]
    sim.add_token("other-account-token", "edit", OTHER_ACCOUNT)
    response = api.session.get(api.lists_url(account_id=OTHER_ACCOUNT), headers={"Authorization": "Bearer other-account-token"}, timeout=10)
    assert response.status_code == 200


def test_read_token_reads_everything_but_writes_nothing(api, sim, clock):
    list_id = api.new_list()
    operation_id = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    clock.advance(1)
    read = {"Authorization": "Bearer " + sim.read_token}
    item_id = api.items(list_id)[0]["id"]
    for suffix in ("", f"/{list_id}", f"/{list_id}/items", f"/{list_id}/items/{item_id}", f"/bulk_operations/{operation_id}"):
        assert api.call("GET", suffix, headers=read).status_code == 200, suffix
    writes = [("POST", "", {"name": "x", "kind": "ip"}), ("PUT", f"/{list_id}", {"description": "d"}), ("DELETE", f"/{list_id}", None),
              ("POST", f"/{list_id}/items", []), ("PUT", f"/{list_id}/items", []), ("DELETE", f"/{list_id}/items", {"items": [{"id": item_id}]})]
    for method, suffix, body in writes:
        assert codes_of(api.call(method, suffix, headers=read, json=body), 403) == [10000], (method, suffix)
    assert len(api.items(list_id)) == 1


# -- routing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/client/v4/nothing/here", "/client/v4/accounts", "/v4/accounts/x/rules/lists", "/", "/client/v4/"])
def test_unknown_paths_get_7000(api, sim, path):
    response = api.session.get(sim.base + path, headers=api.headers, timeout=10)
    assert errors_of(response, 404) == [{"code": 7000, "message": "No route for that URI"}]


@pytest.mark.parametrize("suffix", ["/abc", "/0123456789ABCDEF0123456789ABCDEF", "/" + "0" * 32, "/" + "0" * 32 + "/items",
                                    "/bulk_operations/" + "0" * 32, "/bulk_operations/xyz"])
def test_unknown_or_malformed_ids_get_7003(api, suffix):
    errors = errors_of(api.call("GET", suffix), 404)
    path = api.lists_url(suffix).split("127.0.0.1", 1)[1].split("/", 1)[1]
    assert errors[0] == {"code": 7003, "message": f"Could not route to /{path}, perhaps your object identifier is invalid?"}
    assert errors[1]["code"] == 7000


def test_unknown_item_and_malformed_account_get_7003(api, sim):
    list_id = api.new_list()
    assert codes_of(api.call("GET", f"/{list_id}/items/{'a' * 32}"), 404) == [7003, 7000]
    response = api.session.get(f"{sim.url}/accounts/not-an-account/rules/lists", headers=api.headers, timeout=10)
    assert codes_of(response, 404) == [7003, 7000]


def test_method_not_on_route_gets_405(api):
    assert codes_of(api.call("PATCH", json={}), 405) == [7001]


@pytest.mark.parametrize("body", [b"{", b"", b"nul", b"\xff\xfe"])
def test_malformed_json_gets_400_invalid_json(api, body):
    response = api.call("POST", data=body, headers=dict(api.headers, **{"Content-Type": "application/json"}))
    assert errors_of(response, 400) == [{"code": 10026, "message": "filters.api.invalid_json"}]


def test_chunked_request_body_is_read(api):
    chunks = iter([b'{"name": "chunked", ', b'"kind": "ip"}'])
    response = api.call("POST", data=chunks, headers=dict(api.headers, **{"Content-Type": "application/json"}))
    assert response.status_code == 200 and response.json()["result"]["name"] == "chunked"


# -- lists --------------------------------------------------------------------------------------

def test_list_lifecycle(api):
    created = api.ok("POST", json={"name": "edge_blocks", "kind": "ip", "description": "first"})
    assert set(created) == {"id", "name", "kind", "description", "num_items", "num_referencing_filters", "created_on", "modified_on"}
    assert re.match(r"^[0-9a-f]{32}$", created["id"]) and RFC3339.match(created["created_on"])
    assert created["num_items"] == 0 and created["description"] == "first"
    assert api.ok("GET") == [created]
    assert api.ok("GET", f"/{created['id']}") == created
    updated = api.ok("PUT", f"/{created['id']}", json={"description": "second"})
    assert updated["description"] == "second" and updated["name"] == "edge_blocks"
    assert api.ok("DELETE", f"/{created['id']}") == {"id": created["id"]}
    assert api.ok("GET") == []
    assert codes_of(api.call("GET", f"/{created['id']}"), 404) == [7003, 7000]


@pytest.mark.parametrize("name", ["Upper", "with-dash", "with space", "", "a" * 51, 5, None, "é"])
def test_bad_list_names_are_refused(api, name):
    assert codes_of(api.call("POST", json={"name": name, "kind": "ip"}), 400) == [10101]


def test_name_of_fifty_characters_is_fine(api):
    assert api.new_list(name="a" * 50)


@pytest.mark.parametrize("body, code", [
    ({"name": "x", "kind": "url"}, 10102), ({"name": "x"}, 10102), ({"name": "x", "kind": "ip", "description": "d" * 501}, 10103),
    ({"name": "x", "kind": "ip", "id": "y"}, 10026), (["x"], 10026),
])
def test_bad_list_bodies_are_refused(api, body, code):
    assert codes_of(api.call("POST", json=body), 400) == [code]


def test_every_kind_can_be_created(api):
    for kind in ("ip", "redirect", "hostname", "asn"):
        assert api.ok("POST", json={"name": f"list_{kind}", "kind": kind})["kind"] == kind


def test_duplicate_name_and_list_limit(api, sim):
    api.new_list("one")
    assert codes_of(api.call("POST", json={"name": "one", "kind": "asn"}), 400) == [10104]
    sim.configure(max_lists=2)
    api.new_list("two")
    assert codes_of(api.call("POST", json={"name": "three", "kind": "ip"}), 400) == [10105]


def test_put_list_takes_only_a_description(api):
    list_id = api.new_list()
    for body in ({"description": "x", "name": "test_list"}, {"description": 5}, [], {"kind": "ip"}):
        assert codes_of(api.call("PUT", f"/{list_id}", json=body), 400)[0] in (10026, 10103), body


def test_list_used_by_filters_cannot_be_deleted(api, sim):
    list_id = api.new_list()
    sim.set_referencing_filters(list_id, 2)
    assert api.ok("GET", f"/{list_id}")["num_referencing_filters"] == 2
    assert errors_of(api.call("DELETE", f"/{list_id}"), 400) == [{"code": 10031, "message": "filters.api.ip_list_in_use"}]


# -- items and bulk operations --------------------------------------------------------------------

def test_operation_moves_pending_running_completed_and_items_appear_at_completion(api, clock):
    list_id = api.new_list()
    operation_id = api.write("POST", list_id, [{"ip": "192.0.2.1", "comment": "one"}, {"ip": "2001:DB8::/48"}])
    assert re.match(r"^[0-9a-f]{32}$", operation_id)
    assert api.operation(operation_id) == {"id": operation_id, "status": "pending"}
    clock.advance(0.5)
    assert api.operation(operation_id) == {"id": operation_id, "status": "running"}
    assert api.items(list_id) == [] and api.ok("GET", f"/{list_id}")["num_items"] == 0
    clock.advance(0.5)
    done = api.operation(operation_id)
    assert done["status"] == "completed" and RFC3339.match(done["completed"]) and set(done) == {"id", "status", "completed"}
    items = api.items(list_id)
    assert [(item["ip"], item.get("comment")) for item in items] == [("192.0.2.1", "one"), ("2001:db8::/48", None)]
    assert all(item["created_on"] == done["completed"] == item["modified_on"] for item in items)
    assert api.ok("GET", f"/{list_id}/items/{items[0]['id']}") == items[0]
    assert api.ok("GET", f"/{list_id}")["num_items"] == 2


def test_completed_and_failed_are_terminal(api, sim, clock):
    sim.configure(busy_writes="queue")
    list_id = api.new_list()
    good = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    bad = api.write("POST", list_id, [{"ip": "not-an-ip"}])
    clock.advance(5)
    first = (api.operation(good), api.operation(bad))
    clock.advance(500)
    assert (api.operation(good), api.operation(bad)) == first
    assert first[1]["status"] == "failed"


def test_one_operation_at_a_time_per_account(api, sim, clock):
    sim.configure(busy_writes="queue")
    list_id = api.new_list()
    other_list = api.new_list("second")
    ops = [api.write("POST", list_id, [{"ip": f"198.51.100.{n}"}]) for n in range(3)]
    ops.append(api.write("POST", other_list, [{"ip": "203.0.113.9"}]))
    clock.advance(0.5)
    assert [api.operation(op)["status"] for op in ops] == ["running", "pending", "pending", "pending"]
    clock.advance(1)
    assert [api.operation(op)["status"] for op in ops] == ["completed", "running", "pending", "pending"]
    assert len(api.items(list_id)) == 1
    clock.advance(2)
    assert [api.operation(op)["status"] for op in ops] == ["completed", "completed", "completed", "running"]
    finished = [api.operation(op)["completed"] for op in ops[:3]]
    assert finished == sorted(finished) and len(set(finished)) == 3
    clock.advance(1)
    assert api.operation(ops[3])["status"] == "completed"
    assert sim.get_items(other_list)[0]["ip"] == "203.0.113.9"


def test_accounts_have_separate_queues(api, sim, clock):
    sim.add_account(OTHER_ACCOUNT)
    blocker = sim.add_operation(duration=100)
    other = sim.add_operation(account_id=OTHER_ACCOUNT, duration=1)
    clock.advance(1)
    assert sim.operation(other, OTHER_ACCOUNT)["status"] == "completed"
    assert api.operation(blocker)["status"] == "running"
    assert codes_of(api.call("GET", f"/bulk_operations/{other}"), 404) == [7003, 7000]


def test_a_write_waits_behind_a_seeded_operation(api, sim, clock):
    sim.configure(busy_writes="queue")
    list_id = api.new_list()
    seeded = sim.add_operation(duration=10, fail_with="Something went wrong")
    write = api.write("PUT", list_id, [{"ip": "192.0.2.7"}])
    clock.advance(10)
    assert api.operation(seeded)["error"] == "Something went wrong"
    assert api.operation(write)["status"] == "pending"
    clock.advance(0.5)
    assert api.operation(write)["status"] == "running"
    clock.advance(0.5)
    assert api.operation(write)["status"] == "completed"


def test_busy_writes_are_refused_by_default(api, sim, clock):
    list_id = api.new_list()
    first = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    busy = api.call("POST", f"/{list_id}/items", json=[{"ip": "192.0.2.2"}])
    assert busy.status_code == 400 and codes_of(busy, 400) == [10108]
    assert api.ok("GET", f"/{list_id}")["id"] == list_id
    clock.advance(1)
    assert api.operation(first)["status"] == "completed"
    api.write("PUT", list_id, [{"ip": "192.0.2.2"}])
    with pytest.raises(ValueError):
        sim.configure(busy_writes="sometimes")


def test_seeded_operation_defaults_and_zero_duration(sim, clock):
    instant = sim.add_operation(duration=0)
    assert sim.operation(instant)["status"] == "completed"
    default = sim.add_operation()
    assert sim.operation(default)["status"] == "pending"
    clock.advance(1)
    assert sim.operation(default)["status"] == "completed"


def test_replace_and_delete(api, clock):
    list_id = api.new_list()
    api.write("POST", list_id, [{"ip": f"192.0.2.{n}"} for n in range(1, 5)])
    clock.advance(1)
    before = {item["ip"]: item["id"] for item in api.items(list_id)}
    api.write("PUT", list_id, [{"ip": "192.0.2.1"}, {"ip": "10.0.0.0/8"}])
    clock.advance(1)
    after = api.items(list_id)
    assert [item["ip"] for item in after] == ["192.0.2.1", "10.0.0.0/8"]
    api.write("DELETE", list_id, {"items": [{"id": after[1]["id"]}, {"id": before["192.0.2.2"]}]})
    clock.advance(1)
    assert [item["ip"] for item in api.items(list_id)] == ["192.0.2.1"]
    api.write("PUT", list_id, [])
    clock.advance(1)
    assert api.items(list_id) == [] and api.ok("GET", f"/{list_id}")["num_items"] == 0


def test_appending_an_existing_item_updates_it_in_place(api, sim, clock):
    sim.configure(duplicate_append="update")
    list_id = api.new_list()
    api.write("POST", list_id, [{"ip": "192.0.2.1", "comment": "old"}])
    clock.advance(1)
    (first,) = api.items(list_id)
    clock.advance(5)
    api.write("POST", list_id, [{"ip": "192.0.2.1/32", "comment": "new"}, {"ip": "192.0.2.1", "comment": "newest"}])
    clock.advance(1)
    (second,) = api.items(list_id)
    assert second["id"] == first["id"] and second["created_on"] == first["created_on"]
    assert second["comment"] == "newest" and second["modified_on"] > first["modified_on"]


@pytest.mark.parametrize("given, stored", [
    ("192.0.2.1", "192.0.2.1"), ("192.0.2.1/32", "192.0.2.1"), ("10.0.0.0/8", "10.0.0.0/8"),
    ("2001:0DB8:0000::1", "2001:db8::1"), ("2001:db8::/64", "2001:db8::/64"), ("2400:cb00::/32", "2400:cb00::/32"),
])
def test_ip_items_are_stored_normalized(api, clock, given, stored):
    list_id = api.new_list()
    api.write("POST", list_id, [{"ip": given}])
    clock.advance(1)
    assert api.items(list_id)[0]["ip"] == stored


def run_failing(api, clock, kind, items):
    """Append ``items`` to a new list of ``kind``; return the failed operation."""
    list_id = api.new_list(kind=kind)
    operation_id = api.write("POST", list_id, items)
    clock.advance(1)
    operation = api.operation(operation_id)
    assert operation["status"] == "failed" and set(operation) == {"id", "status", "completed", "error"}
    assert api.items(list_id) == []
    return operation


@pytest.mark.parametrize("kind, items, text", [
    ("ip", [{"ip": "192.0.2.1"}, {"ip": "192.0.2.300"}], "item 1: '192.0.2.300' is not a valid IP address or CIDR"),
    ("ip", [{"ip": "10.0.0.1/24"}], "not a valid IP address or CIDR"),
    ("ip", [{"ip": "10.0.0.0/7"}], "IPv4 CIDR prefixes must be between /8 and /32"),
    ("ip", [{"ip": "2001:db8::/65"}], "IPv6 CIDR prefixes must be between /4 and /64"),
    ("ip", [{"ip": "2000::/3"}], "IPv6 CIDR prefixes must be between /4 and /64"),
    ("ip", [{"hostname": {"url_hostname": "example.com"}}], "a ip list takes items with exactly the 'ip' field (found: hostname)"),
    ("ip", [{"comment": "only a comment"}], "found: none"),
    ("hostname", [{"ip": "192.0.2.1"}], "a hostname list takes items"),
    ("hostname", [{"hostname": {"url_hostname": "bad_host!"}}], "'bad_host!' is not a valid hostname"),
    ("asn", [{"asn": -1}], "-1 is not a valid ASN"),
    ("asn", [{"asn": 13335, "ip": "192.0.2.1"}], "found: ip, asn"),
    ("redirect", [{"redirect": {"source_url": "example.com/a", "target_url": "https://example.net", "status_code": 303}}], "status_code 303"),
    ("redirect", [{"redirect": {"source_url": "https://example.com/a", "target_url": "https://example.net"}}], "must not contain a scheme"),
    ("redirect", [{"redirect": {"source_url": "example.com/a", "target_url": "example.net"}}], "absolute http or https URL"),
    ("redirect", [{"redirect": {"source_url": "example.com/a"}}], "needs both source_url and target_url"),
])
def test_rejected_writes_end_in_failed_operations(api, clock, kind, items, text):
    assert text in run_failing(api, clock, kind, items)["error"]


def test_item_limit_fails_the_operation_and_changes_nothing(api, sim, clock):
    sim.configure(max_items=3, busy_writes="queue")
    first, second = api.new_list("first"), api.new_list("second")
    api.write("POST", first, [{"ip": "192.0.2.1"}, {"ip": "192.0.2.2"}])
    over = api.write("POST", second, [{"ip": "198.51.100.1"}, {"ip": "198.51.100.2"}])
    fits = api.write("PUT", second, [{"ip": "198.51.100.3"}])
    clock.advance(3)
    assert api.operation(over)["error"] == "This list is at the maximum number of items"
    assert api.operation(fits)["status"] == "completed"
    assert [item["ip"] for item in api.items(second)] == ["198.51.100.3"]


def test_deleted_list_fails_its_queued_operation(api, clock):
    list_id = api.new_list()
    operation_id = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    api.ok("DELETE", f"/{list_id}")
    clock.advance(1)
    assert api.operation(operation_id)["status"] == "failed"


def test_items_of_each_kind(api, clock):
    cases = {
        "hostname": ({"hostname": {"url_hostname": "*.example.com"}, "comment": "wild"}, {"url_hostname": "*.example.com"}),
        "asn": ({"asn": 13335}, 13335),
        "redirect": ({"redirect": {"source_url": "example.com/a", "target_url": "https://example.net/b", "status_code": 302}},
                     {"source_url": "example.com/a", "target_url": "https://example.net/b", "status_code": 302, "include_subdomains": False,
                      "subpath_matching": False, "preserve_query_string": False, "preserve_path_suffix": False}),
    }
    for kind, (item, stored) in cases.items():
        list_id = api.new_list(name=f"kind_{kind}", kind=kind)
        api.write("POST", list_id, [item])
        clock.advance(1)
        (got,) = api.items(list_id)
        assert got[kind] == stored and set(got) - {"comment"} == {"id", kind, "created_on", "modified_on"}


@pytest.mark.parametrize("method, body", [
    ("POST", {"ip": "192.0.2.1"}), ("POST", [{"ip": 3232235777}]), ("POST", [{"ip": "192.0.2.1", "id": "x"}]),
    ("POST", [{"ip": "192.0.2.1", "created_on": "2026-01-01T00:00:00Z"}]), ("POST", ["192.0.2.1"]), ("POST", [{}]),
    ("PUT", [{"asn": "13335"}]), ("PUT", [{"asn": True}]), ("PUT", [{"asn": 1.5}]), ("PUT", [{"hostname": "example.com"}]),
    ("PUT", [{"redirect": {"source_url": "a", "target_url": "b", "status_code": "301"}}]), ("PUT", [{"redirect": {"source_url": 1}}]),
    ("PUT", [{"redirect": {"source_url": "a", "target_url": "b", "extra": True}}]), ("PUT", [{"ip": "192.0.2.1", "comment": 5}]),
    ("DELETE", [{"id": "x"}]), ("DELETE", {"items": []}), ("DELETE", {"items": [{"ip": "192.0.2.1"}]}), ("DELETE", {"items": ["x"]}),
    ("DELETE", {"items": [{"id": "x"}], "other": 1}),
])
def test_item_bodies_of_the_wrong_json_shape_get_400(api, method, body):
    list_id = api.new_list()
    assert codes_of(api.call(method, f"/{list_id}/items", json=body), 400) == [10026]


def test_writes_to_unknown_lists_get_7003(api):
    assert codes_of(api.call("POST", f"/{'b' * 32}/items", json=[{"ip": "192.0.2.1"}]), 404) == [7003, 7000]


def test_comment_null_means_no_comment(api, clock):
    list_id = api.new_list()
    api.write("POST", list_id, [{"ip": "192.0.2.1", "comment": None}])
    clock.advance(1)
    assert "comment" not in api.items(list_id)[0]


# -- paging and search ----------------------------------------------------------------------------

def fill(sim, count, kind="ip"):
    """A list with ``count`` items, created directly."""
    makers = {"ip": lambda n: {"ip": f"10.{n // 256}.{n % 256}.1"}, "asn": lambda n: {"asn": n}}
    return sim.create_list("paged", kind, items=[makers[kind](n) for n in range(count)])["id"]


def all_pages(api, list_id, **params):
    """Every page, following result_info.cursors.after; returns (pages, last result_info)."""
    pages, info = [], None
    for dummy in range(1000):
        response = api.call("GET", f"/{list_id}/items", params=params)
        body = response.json()
        pages.append(body["result"])
        info = body["result_info"]
        if "after" not in info["cursors"]:
            break
        params = dict(params, cursor=info["cursors"]["after"])
    return pages, info


def test_paging_default_and_cursors(api, sim):
    list_id = fill(sim, 60)
    pages, dummy = all_pages(api, list_id)
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [item["id"] for page in pages for item in page] == [item["id"] for item in sim.get_items(list_id)]
    first = api.call("GET", f"/{list_id}/items").json()["result_info"]["cursors"]
    assert "before" not in first
    second = api.call("GET", f"/{list_id}/items", params={"cursor": first["after"]}).json()["result_info"]["cursors"]
    assert set(second) == {"before", "after"}


def test_per_page_bounds(api, sim):
    list_id = fill(sim, 501)
    assert len(api.items(list_id, per_page=500)) == 500
    assert len(api.items(list_id, per_page=1)) == 1
    for bad in (0, 501, -1, "x", 2.5):
        assert codes_of(api.call("GET", f"/{list_id}/items", params={"per_page": bad}), 400) == [10106], bad


def test_bad_cursor_gets_400(api, sim):
    list_id = fill(sim, 3)
    other = sim.create_list("other", "ip", items=[{"ip": "192.0.2.1"}])["id"]
    foreign = api.call("GET", f"/{other}/items", params={"per_page": 1}).json()["result_info"]["cursors"]
    for cursor in ("nonsense", "e30", foreign.get("after", "x")):
        assert codes_of(api.call("GET", f"/{list_id}/items", params={"cursor": cursor}), 400) == [10107]


def test_search(api, sim):
    ips = sim.create_list("ips", "ip", items=[{"ip": "192.0.2.1"}, {"ip": "192.0.2.2"}, {"ip": "198.51.100.1"}])["id"]
    assert [item["ip"] for item in api.items(ips, search="192.0.")] == ["192.0.2.1", "192.0.2.2"]
    asns = sim.create_list("asns", "asn", items=[{"asn": 13335}, {"asn": 133350}])["id"]
    assert [item["asn"] for item in api.items(asns, search="13335")] == [13335]
    names = [{"hostname": {"url_hostname": "www.example.com"}}, {"hostname": {"url_hostname": "example.org"}}]
    hosts = sim.create_list("hosts", "hostname", items=names)["id"]
    assert len(api.items(hosts, search="example.")) == 2 and len(api.items(hosts, search=".org")) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(addresses=st.sets(st.ip_addresses(v=4).map(str), max_size=40), per_page=st.integers(min_value=1, max_value=15))
def test_pages_cover_every_item_once(api, sim, addresses, per_page):
    sim.reset()
    list_id = sim.create_list("prop", "ip", items=[{"ip": address} for address in sorted(addresses)])["id"]
    pages, dummy = all_pages(api, list_id, per_page=per_page)
    seen = [item["ip"] for page in pages for item in page]
    assert sorted(seen) == sorted(addresses) and all(len(page) <= per_page for page in pages)


# -- Python helpers -----------------------------------------------------------------------------

def test_python_seeding_validates_like_the_api(sim):
    list_id = sim.create_list("seeded", "ip", description="d", items=[{"ip": "192.0.2.1"}])["id"]
    assert sim.get_lists()[0]["num_items"] == 1
    with pytest.raises(ValueError, match="not a valid IP"):
        sim.add_items(list_id, [{"ip": "nope"}])
    with pytest.raises(ValueError, match="malformed item"):
        sim.add_items(list_id, [{"ip": 5}])
    assert len(sim.get_items(list_id)) == 1
    with pytest.raises(ValueError):
        sim.configure(bogus=1)
    with pytest.raises(ValueError):
        sim.add_account("short")
    with pytest.raises(ValueError):
        sim.add_token("bad token", "edit")


def test_reset_forgets_everything(api, sim):
    api.new_list()
    sim.add_account(OTHER_ACCOUNT)
    sim.add_token("extra-token")
    sim.configure(max_lists=1)
    sim.reset()
    assert api.ok("GET") == [] and sim.config["max_lists"] == 1000
    assert codes_of(api.call("GET", headers={"Authorization": "Bearer extra-token"}), 403) == [10000]


def test_clock_advance_moves_operations(sim):
    operation_id = sim.add_operation(duration=30)
    sim.advance(30)
    assert sim.operation(operation_id)["status"] == "completed"
