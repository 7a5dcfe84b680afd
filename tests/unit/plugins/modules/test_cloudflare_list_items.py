# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_list_items as Ansible runs it: arguments in, one JSON result out, against the simulator.

The client's ``time`` and the simulator share one fake clock, so bulk operations progress only
when the module sleeps, and no test waits for real.
"""

import pytest

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_items as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import TOKEN, warnings_of
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import ITEMS_ROUTE, count, run_simulated

RESULT_KEYS = {"changed", "list", "added", "removed", "updated", "counts", "truncated", "steps", "operation_ids",
               "bulk_operations"}
ITEM_WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture
def sim_options():
    """Bulk operations take 1 s of the fake clock: the module polls them."""
    return {"op_duration": 1.0}


def run(sim, items, **extra):
    """The module's result, with its exit code and raw output under _rc and _raw."""
    extra.setdefault("list_name", "blocked")
    return run_simulated(module, sim, items=items, **extra)


def seed(sim, values, kind="ip", name="blocked"):
    field = {"hostname": lambda value: {"url_hostname": value}}.get(kind, lambda value: value)
    return sim.create_list(name, kind, items=[{kind: field(value)} for value in values])


def held(sim, name="blocked", kind="ip"):
    lst = [found for found in sim.get_lists() if found["name"] == name][0]
    return sorted(str(item[kind]) for item in sim.get_items(lst["id"]))


def item_writes(sim):
    return sum(count(sim, method, ITEMS_ROUTE) for method in ITEM_WRITES)


# --- results and messages -----------------------------------------------------------------------

def test_exact_returns_every_documented_key_and_reaches_the_items(sim):
    lst = seed(sim, ["192.0.2.1", "192.0.2.9"])
    result = run(sim, ["192.0.2.1", {"ip": "192.0.2.2", "comment": "new"}], state="exact")
    assert result["_rc"] == 0 and result["changed"] is True
    assert RESULT_KEYS <= set(result) and "diff" not in result
    assert result["list"] == {"id": lst["id"], "name": "blocked", "kind": "ip", "num_items": 2}
    assert result["added"] == [{"ip": "192.0.2.2", "comment": "new"}]
    assert [item["ip"] for item in result["removed"]] == ["192.0.2.9"] and "id" in result["removed"][0]
    assert result["counts"] == {"added": 1, "removed": 1, "updated": 0, "unchanged": 1}
    assert result["steps"] == ["append 1 item(s)", "delete 1 item(s)"] and result["truncated"] is False
    assert len(result["operation_ids"]) == 2 and [op["status"] for op in result["bulk_operations"]] == ["completed"] * 2
    assert held(sim) == ["192.0.2.1", "192.0.2.2"]
    again = run(sim, ["192.0.2.1", {"ip": "192.0.2.2", "comment": "new"}], state="exact")
    assert again["changed"] is False and again["steps"] == [] and again["operation_ids"] == []


def test_list_id_finds_the_list_like_list_name(sim):
    lst = seed(sim, [])
    result = run(sim, ["192.0.2.1"], list_name=None, list_id=lst["id"])
    assert result["_rc"] == 0 and result["changed"] is True and held(sim) == ["192.0.2.1"]


def test_check_mode_and_diff_show_added_removed_and_updated_items_and_write_nothing(sim):
    sim.create_list("blocked", "ip", items=[{"ip": "192.0.2.1", "comment": "old"}, {"ip": "192.0.2.9"}])
    sim.reset_counters()
    result = run(sim, [{"ip": "192.0.2.1", "comment": "new"}, "192.0.2.2"], state="exact",
                 _ansible_check_mode=True, _ansible_diff=True)
    assert result["_rc"] == 0 and result["changed"] is True
    prepared = result["diff"]["prepared"].splitlines()
    assert prepared[0].startswith("List blocked (ip, ") and "1 added, 1 removed, 1 updated, 0 unchanged" in prepared[0]
    assert "replace all items with 2 item(s)" in prepared[0]
    assert prepared[1:] == ["+ 192.0.2.2", "- 192.0.2.9", "~ 192.0.2.1  # new  (was: 192.0.2.1  # old)"]
    assert result["operation_ids"] == [] and result["bulk_operations"] == []
    assert item_writes(sim) == 0 and sim.get_counters()["total"] == 2
    assert held(sim) == ["192.0.2.1", "192.0.2.9"]


def test_diff_of_an_unchanged_list_says_no_write(sim):
    lst = seed(sim, ["192.0.2.1"])
    result = run(sim, ["192.0.2.1"], _ansible_diff=True)
    assert result["changed"] is False
    assert result["diff"]["prepared"] == "List blocked (ip, %s): 0 added, 0 removed, 0 updated, 1 unchanged; no write\n" % lst["id"]


def test_max_reported_items_caps_the_lists_and_the_diff_but_not_the_counts(sim):
    seed(sim, [])
    result = run(sim, ["192.0.2.%d" % i for i in range(1, 6)], max_reported_items=2, _ansible_diff=True)
    assert result["counts"]["added"] == 5 and len(result["added"]) == 2 and result["truncated"] is True
    assert "... and 3 more line(s); raise max_reported_items to see them" in result["diff"]["prepared"]
    result = run(sim, ["192.0.2.%d" % i for i in range(1, 6)], state="absent", max_reported_items=0)
    assert result["counts"]["removed"] == 5 and result["removed"] == [] and result["truncated"] is True


def test_wait_false_returns_the_operation_to_wait_for(sim):
    seed(sim, ["192.0.2.1", "192.0.2.9"])
    result = run(sim, ["192.0.2.1", "192.0.2.2"], state="exact", wait=False)
    assert result["_rc"] == 0 and len(result["operation_ids"]) == 2
    assert result["bulk_operations"][0]["status"] == "completed"
    assert sim.operation(result["operation_ids"][-1])["status"] in ("pending", "running")


def test_an_api_error_returns_status_errors_and_messages(sim):
    seed(sim, [])
    result = run(sim, ["192.0.2.1"], api_token="not-the-right-token-1234")
    assert result["_rc"] == 1 and result["status"] == 403 and result["errors"][0]["code"] == 10000
    assert result["msg"].startswith("Looking up list 'blocked' in account %s: HTTP 403" % sim.account_id)
    assert "not-the-right-token-1234" not in result["_raw"]


def test_a_missing_list_is_named(sim):
    result = run(sim, ["192.0.2.1"], list_name="nope")
    assert result["_rc"] == 1 and "No list 'nope' in account" in result["msg"] and "cloudflare_list" in result["msg"]
    assert item_writes(sim) == 0


def test_items_of_another_kind_fail_after_the_lookup_and_before_any_write(sim):
    seed(sim, [], kind="asn", name="asns")
    sim.reset_counters()
    result = run(sim, ["example.com", "www.example.net"], list_name="asns")
    assert result["_rc"] == 1 and "whose kind is 'asn'" in result["msg"]
    assert "items[0]" in result["msg"] and "items[1]" in result["msg"]
    assert result["list"]["kind"] == "asn"
    assert sim.get_counters()["total"] == 1 and item_writes(sim) == 0


def test_the_removal_guard_names_the_numbers_and_sends_no_write(sim):
    seed(sim, ["10.0.0.%d" % i for i in range(1, 21)])
    result = run(sim, ["10.0.0.1"], state="exact")
    assert result["_rc"] == 1 and result["changed"] is False
    assert "would remove 19 item(s), more than the default limit of 10" in result["msg"]
    assert result["counts"]["removed"] == 19
    result = run(sim, ["10.0.0.1"], state="exact", max_removals=5)
    assert "more than max_removals (5)" in result["msg"]
    result = run(sim, [], state="exact", max_removals=-1)
    assert "leave it empty" in result["msg"] and "allow_empty" in result["msg"]
    assert item_writes(sim) == 0 and len(held(sim)) == 20


# --- options refused before any request ---------------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    (dict(list_id="0123456789abcdef0123456789abcdef"), ["Give exactly one of list_name and list_id (got list_name and list_id)."]),
    (dict(list_name=""), ["Give exactly one of list_name and list_id (got neither)."]),
    (dict(list_name="Bad-Name"), ["list_name must be 1 to 50 lower-case letters, digits or underscores"]),
    (dict(max_removals=-2), ["max_removals must be -1 (no limit), 0 or more."]),
    (dict(list_name="Bad-Name", list_id="not-an-id"), ["Give exactly one of list_name and list_id (got list_name and list_id).",
                                                       "list_name must be 1 to 50 lower-case letters",
                                                       "list_id must be the 32-character hexadecimal id of a list"]),
    (dict(max_reported_items=-5), ["max_reported_items must be -1 (all), 0 or more."]),
    (dict(list_name="x" * 51, max_removals=-3, wait_sleep=0.1, items=["10.0.0.1/24", {"ip": "192.0.2.1", "comment": 7}]),
     ["list_name must be 1 to 50", "max_removals must be -1", "wait_sleep must be between",
      "Invalid items (checked as a list of kind 'ip'):", "items[0]", "host bits set", "items[1].comment: must be a string"]),
])
def test_bad_options_are_refused_all_at_once_before_any_request(sim, extra, expected):
    items = extra.pop("items", ["192.0.2.1"])
    result = run(sim, items, **extra)
    assert result["_rc"] == 1 and result["msg"].startswith("Invalid options: ")
    for text in expected:
        assert text in result["msg"]
    assert set(result) & (RESULT_KEYS - {"changed"}) == set()
    assert sim.get_counters()["total"] == 0


def test_bad_items_of_every_sort_are_each_listed_before_any_request(sim):
    items = ["192.0.2.0/33", "10.0.0.1/24", {"ip": "192.0.2.1", "colour": "red"}, {"ip": "192.0.2.2", "comment": ["x"]},
             {"url_hostname": "example.com"}, 13335]
    result = run(sim, items)
    assert result["_rc"] == 1
    for position in range(len(items)):
        assert "items[%d]" % position in result["msg"]
    assert "host bits set: write 10.0.0.0/24" in result["msg"] and "unknown key 'colour'" in result["msg"]
    assert sim.get_counters()["total"] == 0


# --- credentials never shown --------------------------------------------------------------------

def test_no_secret_on_any_path(sim):
    seed(sim, ["192.0.2.9"])
    sim.add_fault("reset", method="PUT", path="/items", after=True)
    result = run(sim, ["192.0.2.1"], state="exact", _ansible_diff=True)
    assert result["_rc"] == 0 and any("outcome of a write" in text for text in warnings_of(result))
    sim.add_fault("operation", method="POST", path="/items", fail_with="refused: " + TOKEN)
    failed = run(sim, ["192.0.2.5"])
    assert failed["_rc"] == 1 and "refused: " in failed["msg"]
    for output in (result["_raw"], failed["_raw"]):
        assert TOKEN not in output


# --- bugs found while testing -------------------------------------------------------------------

@pytest.mark.parametrize("duplicate_append", ["refuse", "ignore", "update"])
@pytest.mark.parametrize("state", ["exact", "present"])
def test_a_stored_cidr_with_host_bits_counts_as_its_network(sim, duplicate_append, state):
    """Cloudflare may keep 10.0.0.1/24 as given; it is the same list item as 10.0.0.0/24.

    Appending the network then deleting the stored form failed (refuse), left the list without the
    network for a whole run (ignore, update: a hole in a blocklist), or was never idempotent.
    """
    sim.configure(host_bits="as_given", duplicate_append=duplicate_append)
    seed(sim, ["10.0.0.1/24", "192.0.2.1"])
    result = run(sim, ["10.0.0.0/24", "192.0.2.1"], state=state)
    assert result["_rc"] == 0 and result["changed"] is False, result.get("msg")
    assert held(sim) == ["10.0.0.1/24", "192.0.2.1"]
    removed = run(sim, ["192.0.2.1"], state="exact")
    assert removed["_rc"] == 0 and removed["counts"]["removed"] == 1 and held(sim) == ["192.0.2.1"]


def test_a_replace_too_large_with_nothing_kept_is_split_into_appends_then_deletes(sim):
    """No item kept: the one replace may be refused as too large (413); appends then deletes do the same change."""
    sim.configure(max_write_items=2)
    seed(sim, ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
    wanted = ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    result = run(sim, wanted, state="exact")
    assert result["_rc"] == 0, result["msg"]
    assert held(sim) == wanted and result["counts"]["added"] == 3 and result["counts"]["removed"] == 3
    # The replace, one append of 3 and one delete of 3 are refused; the halves are not.
    assert count(sim, "PUT", ITEMS_ROUTE) == 1 and count(sim, "POST", ITEMS_ROUTE) == 3 and count(sim, "DELETE", ITEMS_ROUTE) == 3
    assert len(result["operation_ids"]) == 4
    assert run(sim, wanted, state="exact")["changed"] is False
