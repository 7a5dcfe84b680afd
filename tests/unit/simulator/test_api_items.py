# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated Lists API: items and bulk operations."""

import re

import pytest

OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


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
    assert api.codes_of(api.call("GET", f"/bulk_operations/{other}"), 404) == [7003, 7000]


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
    assert busy.status_code == 400 and api.codes_of(busy, 400) == [10108]
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
    assert api.codes_of(api.call(method, f"/{list_id}/items", json=body), 400) == [10026]


def test_writes_to_unknown_lists_get_7003(api):
    assert api.codes_of(api.call("POST", f"/{'b' * 32}/items", json=[{"ip": "192.0.2.1"}]), 404) == [7003, 7000]


def test_comment_null_means_no_comment(api, clock):
    list_id = api.new_list()
    api.write("POST", list_id, [{"ip": "192.0.2.1", "comment": None}])
    clock.advance(1)
    assert "comment" not in api.items(list_id)[0]
