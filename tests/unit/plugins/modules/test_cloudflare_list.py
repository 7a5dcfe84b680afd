# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_list as Ansible runs it, against the simulator on 127.0.0.1, counting what reaches it."""

import os

import pytest
import yaml

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import warnings_of
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import LIST_ROUTE, LISTS_ROUTE, READ_TOKEN, count, run_simulated, writes


def run(sim, check=False, diff=False, **params):
    return run_simulated(module, sim, check=check, diff=diff, **params)


def only_list(sim):
    lists = sim.get_lists()
    assert len(lists) == 1
    return lists[0]


def test_create_returns_the_list(sim):
    result = run(sim, name="blocked_ips", kind="ip", description="WAF")
    assert result["_rc"] == 0 and result["changed"] is True
    assert result["list"] == only_list(sim)
    assert (result["list"]["name"], result["list"]["kind"], result["list"]["description"]) == ("blocked_ips", "ip", "WAF")
    assert count(sim, "GET", LISTS_ROUTE) == 1 and count(sim, "POST", LISTS_ROUTE) == 1
    assert "diff" not in result


def test_second_run_changes_nothing_and_writes_nothing(sim):
    run(sim, name="blocked_ips", kind="ip", description="WAF")
    sim.reset_counters()
    result = run(sim, name="blocked_ips", kind="ip", description="WAF")
    assert result["changed"] is False and result["list"] == only_list(sim)
    assert writes(sim) == 0 and sim.get_counters()["total"] == 1


def test_description_is_updated_when_it_differs(sim):
    made = sim.create_list("blocked_ips", "ip", description="old")
    result = run(sim, name="blocked_ips", description="new")
    assert result["changed"] is True
    assert result["list"]["description"] == "new" and result["list"]["id"] == made["id"]
    assert only_list(sim)["description"] == "new"
    assert count(sim, "PUT", LIST_ROUTE) == 1 and writes(sim) == 1


def test_description_not_given_is_not_compared(sim):
    sim.create_list("blocked_ips", "ip", description="kept")
    result = run(sim, name="blocked_ips", kind="ip")
    assert result["changed"] is False and writes(sim) == 0
    assert result["list"]["description"] == "kept"


def test_another_kind_fails_without_any_write(sim):
    sim.create_list("blocked_ips", "hostname")
    result = run(sim, name="blocked_ips", kind="ip")
    assert result["_rc"] == 1 and result["failed"] is True
    assert result["msg"].startswith("List 'blocked_ips' in account %s has kind hostname, not ip: Cloudflare cannot "
                                    "change the kind of a list." % sim.account_id)
    assert result["list"]["kind"] == "hostname"
    assert writes(sim) == 0


def test_kind_missing_fails_after_the_read_and_before_any_write(sim):
    result = run(sim, name="blocked_ips", description="WAF")
    assert result["failed"] is True
    assert "no list has that name yet, and kind is needed to create one" in result["msg"]
    assert result["list"] is None
    assert sim.get_counters()["total"] == 1 and writes(sim) == 0


def test_delete_then_absent_again(sim):
    made = sim.create_list("blocked_ips", "ip", items=[{"ip": "192.0.2.1"}])
    result = run(sim, name="blocked_ips", state="absent")
    assert result["changed"] is True and result["list"]["id"] == made["id"] and result["list"]["num_items"] == 1
    assert sim.get_lists() == [] and count(sim, "DELETE", LIST_ROUTE) == 1
    again = run(sim, name="blocked_ips", state="absent")
    assert again["changed"] is False and again["list"] is None
    assert count(sim, "DELETE", LIST_ROUTE) == 1


def test_a_list_in_use_is_not_deleted_and_the_failure_says_why(sim):
    made = sim.create_list("blocked_ips", "ip")
    sim.set_referencing_filters(made["id"], 2)
    result = run(sim, name="blocked_ips", state="absent")
    assert result["failed"] is True
    assert result["msg"] == (
        "Deleting list 'blocked_ips' in account %s (%s): HTTP 400: filters.api.ip_list_in_use (10031). It is used by 2 "
        "rules (num_referencing_filters). Remove the list from those rules (WAF custom rules, Bulk Redirect rules) "
        "first: netedge.cloudflare.cloudflare_rule with state: absent deletes a rule by its ref. Then run the task "
        "again." % (sim.account_id, made["id"]))
    assert result["status"] == 400 and result["errors"][0]["code"] == 10031
    assert result["list"]["num_referencing_filters"] == 2
    assert only_list(sim)["id"] == made["id"]


def test_check_mode_predicts_the_refusal_of_a_list_in_use(sim):
    made = sim.create_list("blocked_ips", "ip")
    sim.set_referencing_filters(made["id"], 1)
    result = run(sim, check=True, name="blocked_ips", state="absent")
    assert result["failed"] is True
    assert "it is used by 1 rule (num_referencing_filters), and Cloudflare refuses to delete a list in use " \
           "(10031 filters.api.ip_list_in_use)" in result["msg"]
    assert "netedge.cloudflare.cloudflare_rule with state: absent" in result["msg"]
    assert writes(sim) == 0


@pytest.mark.parametrize("seed, params, expected", [
    (None, dict(kind="ip", description="WAF"),
     {"before": {}, "after": {"name": "blocked_ips", "kind": "ip", "description": "WAF", "num_items": 0}}),
    ("old", dict(description="new"),
     {"before": {"name": "blocked_ips", "kind": "ip", "description": "old", "num_items": 0},
      "after": {"name": "blocked_ips", "kind": "ip", "description": "new", "num_items": 0}}),
    ("old", dict(state="absent"),
     {"before": {"name": "blocked_ips", "kind": "ip", "description": "old", "num_items": 0}, "after": {}}),
], ids=["create", "update", "delete"])
def test_check_and_diff_mode_show_the_change_and_send_no_write(sim, seed, params, expected):
    if seed is not None:
        sim.create_list("blocked_ips", "ip", description=seed)
    before = sim.get_lists()
    result = run(sim, check=True, diff=True, name="blocked_ips", **params)
    assert result["_rc"] == 0 and result["changed"] is True
    assert result["diff"] == expected
    assert writes(sim) == 0 and sim.get_lists() == before
    # The real run makes exactly the change the check run showed, with the same diff.
    real = run(sim, diff=True, name="blocked_ips", **params)
    assert real["changed"] is True and real["diff"] == expected and writes(sim) == 1
    if expected["after"]:
        assert result["list"]["description"] == real["list"]["description"]


def test_check_mode_of_a_create_returns_the_list_to_be(sim):
    result = run(sim, check=True, name="blocked_ips", kind="asn")
    assert result["list"]["id"] is None and result["list"]["kind"] == "asn" and result["list"]["num_items"] == 0
    assert sim.get_lists() == []


def test_diff_when_nothing_changes(sim):
    sim.create_list("blocked_ips", "ip", description="WAF")
    result = run(sim, diff=True, name="blocked_ips", kind="ip", description="WAF")
    assert result["changed"] is False and result["diff"]["before"] == result["diff"]["after"]


def test_bad_input_is_refused_all_at_once_before_any_request(sim):
    result = run(sim, name="Blocked-IPs", kind="cidr", description="x" * 501, account_id="nope")
    assert result["failed"] is True and result["msg"].startswith("Invalid options: ")
    for expected in ("account_id must be", "name must be 1 to 50 lower-case letters", "kind must be one of",
                     "description must be at most 500 characters"):
        assert expected in result["msg"]
    assert sim.get_counters()["total"] == 0


def test_a_read_only_token_cannot_create_and_the_message_names_the_edit_permission(sim):
    result = run(sim, api_token=READ_TOKEN, name="blocked_ips", kind="ip")
    assert result["failed"] is True and result["status"] == 403
    assert result["msg"].startswith("Creating list 'blocked_ips' in account %s: HTTP 403" % sim.account_id)
    assert "'Account Filter Lists Edit'" in result["msg"]


def test_a_read_only_token_is_enough_in_check_mode(sim):
    result = run(sim, check=True, diff=True, api_token=READ_TOKEN, name="blocked_ips", kind="ip")
    assert result["_rc"] == 0 and result["changed"] is True and result["diff"]["after"]["kind"] == "ip"
    assert writes(sim) == 0


def test_a_failed_read_names_what_was_being_done(sim):
    sim.add_fault("status", status=503, method="GET", count=10)
    result = run(sim, name="blocked_ips", kind="ip", max_retries=1)
    assert result["failed"] is True and result["status"] == 503
    assert result["msg"].startswith("Reading the lists of account %s to find list 'blocked_ips': HTTP 503" % sim.account_id)
    assert writes(sim) == 0


# --- an answer lost after the request was sent (outcome_unknown) -------------------------------------------------

def test_create_whose_answer_is_lost_after_it_was_made_is_reported_created(sim):
    sim.add_fault("reset", method="POST", after=True)
    result = run(sim, name="blocked_ips", kind="ip", description="WAF")
    assert result["_rc"] == 0 and result["changed"] is True
    assert result["list"] == only_list(sim)
    assert count(sim, "POST", LISTS_ROUTE) == 1 and count(sim, "GET", LISTS_ROUTE) == 2
    assert any("the answer was lost" in w and "not sent again" in w for w in warnings_of(result))


def test_create_whose_request_was_lost_before_it_was_made_is_sent_once_more(sim):
    sim.add_fault("status", status=503, method="POST")
    result = run(sim, name="blocked_ips", kind="ip")
    assert result["changed"] is True and result["list"] == only_list(sim)
    assert count(sim, "POST", LISTS_ROUTE) == 2
    assert any("sent once more" in w for w in warnings_of(result))


def test_delete_whose_answer_is_lost_after_it_was_made_is_done(sim):
    sim.create_list("blocked_ips", "ip")
    sim.add_fault("reset", method="DELETE", after=True)
    result = run(sim, name="blocked_ips", state="absent")
    assert result["_rc"] == 0 and result["changed"] is True
    assert sim.get_lists() == [] and count(sim, "DELETE", LIST_ROUTE) == 1


def test_delete_whose_request_was_lost_is_sent_once_more(sim):
    sim.create_list("blocked_ips", "ip")
    sim.add_fault("reset", method="DELETE")
    result = run(sim, name="blocked_ips", state="absent")
    assert result["changed"] is True and sim.get_lists() == [] and count(sim, "DELETE", LIST_ROUTE) == 2


def test_update_whose_answer_is_lost_after_it_was_made_is_done(sim):
    sim.create_list("blocked_ips", "ip", description="old")
    sim.add_fault("status", status=502, body="html", method="PUT", after=True)
    result = run(sim, name="blocked_ips", description="new")
    assert result["changed"] is True and result["list"]["description"] == "new"
    assert count(sim, "PUT", LIST_ROUTE) == 1


def test_update_whose_request_was_lost_is_sent_once_more(sim):
    sim.create_list("blocked_ips", "ip", description="old")
    sim.add_fault("reset", method="PUT")
    result = run(sim, name="blocked_ips", description="new")
    assert result["changed"] is True and only_list(sim)["description"] == "new"
    assert count(sim, "PUT", LIST_ROUTE) == 2


def test_a_second_lost_answer_fails_and_says_to_run_again(sim):
    sim.add_fault("status", status=503, method="POST", count=2)
    result = run(sim, name="blocked_ips", kind="ip")
    assert result["failed"] is True and result["status"] == 503
    assert result["msg"].startswith("Creating list 'blocked_ips' in account %s: HTTP 503" % sim.account_id)
    assert result["msg"].endswith("Cloudflare may have made the change. Run the task again: it reads the list first, "
                                  "so nothing is done twice.")
    assert count(sim, "POST", LISTS_ROUTE) == 2


def test_a_lost_answer_and_a_failed_read_fail_and_say_to_run_again(sim):
    sim.add_fault("reset", method="POST", after=True)
    sim.add_fault("status", status=503, method="GET", skip=1, count=10)
    result = run(sim, name="blocked_ips", kind="ip", max_retries=1)
    assert result["failed"] is True
    assert "Cloudflare may have made the change, and reading the list again failed too (HTTP 503" in result["msg"]
    assert result["msg"].endswith("Run the task again: it reads the list first, so nothing is done twice.")
    assert count(sim, "POST", LISTS_ROUTE) == 1


def test_module_defaults_group_holds_both_modules():
    path = os.path.join(os.path.dirname(module.__file__), "..", "..", "meta", "runtime.yml")
    with open(path, encoding="utf-8") as stream:
        group = yaml.safe_load(stream)["action_groups"]["cloudflare"]
    assert "cloudflare_list" in group and "cloudflare_list_info" in group
