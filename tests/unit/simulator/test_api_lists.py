# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated Lists API: lists, and the Python seeding helpers."""

import re

import pytest

OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


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
    assert api.codes_of(api.call("GET", f"/{created['id']}"), 404) == [7003, 7000]


@pytest.mark.parametrize("name", ["Upper", "with-dash", "with space", "", "a" * 51, 5, None, "é"])
def test_bad_list_names_are_refused(api, name):
    assert api.codes_of(api.call("POST", json={"name": name, "kind": "ip"}), 400) == [10101]


def test_name_of_fifty_characters_is_fine(api):
    assert api.new_list(name="a" * 50)


@pytest.mark.parametrize("body, code", [
    ({"name": "x", "kind": "url"}, 10102), ({"name": "x"}, 10102), ({"name": "x", "kind": "ip", "description": "d" * 501}, 10103),
    ({"name": "x", "kind": "ip", "id": "y"}, 10026), (["x"], 10026),
])
def test_bad_list_bodies_are_refused(api, body, code):
    assert api.codes_of(api.call("POST", json=body), 400) == [code]


def test_every_kind_can_be_created(api):
    for kind in ("ip", "redirect", "hostname", "asn"):
        assert api.ok("POST", json={"name": f"list_{kind}", "kind": kind})["kind"] == kind


def test_duplicate_name_and_list_limit(api, sim):
    api.new_list("one")
    assert api.codes_of(api.call("POST", json={"name": "one", "kind": "asn"}), 400) == [10104]
    sim.configure(max_lists=2)
    api.new_list("two")
    assert api.codes_of(api.call("POST", json={"name": "three", "kind": "ip"}), 400) == [10105]


def test_put_list_takes_only_a_description(api):
    list_id = api.new_list()
    for body in ({"description": "x", "name": "test_list"}, {"description": 5}, [], {"kind": "ip"}):
        assert api.codes_of(api.call("PUT", f"/{list_id}", json=body), 400)[0] in (10026, 10103), body


def test_list_used_by_filters_cannot_be_deleted(api, sim):
    list_id = api.new_list()
    sim.set_referencing_filters(list_id, 2)
    assert api.ok("GET", f"/{list_id}")["num_referencing_filters"] == 2
    assert api.errors_of(api.call("DELETE", f"/{list_id}"), 400) == [{"code": 10031, "message": "filters.api.ip_list_in_use"}]


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
    assert api.codes_of(api.call("GET", headers={"Authorization": "Bearer extra-token"}), 403) == [10000]


def test_clock_advance_moves_operations(sim):
    operation_id = sim.add_operation(duration=30)
    sim.advance(30)
    assert sim.operation(operation_id)["status"] == "completed"
