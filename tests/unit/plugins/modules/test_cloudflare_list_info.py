# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_list_info as Ansible runs it, against the simulator on 127.0.0.1, counting what reaches it."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import (
    ITEMS_ROUTE,
    LIST_ROUTE,
    LISTS_ROUTE,
    READ_TOKEN,
    count,
    run_simulated,
    writes,
)

MISSING_ID = "f" * 32


@pytest.fixture
def sim(sim):
    """The shared simulator, holding three lists: one of 1,100 addresses, one of two hostnames, an empty one."""
    simulator = sim
    simulator.create_list("blocked_ips", "ip", description="WAF",
                          items=[{"ip": "10.0.%d.%d" % (i // 200, i % 200 + 1)} for i in range(1100)])
    simulator.create_list("partner_hosts", "hostname", items=[{"hostname": {"url_hostname": "a.example.com"}, "comment": "a"},
                                                              {"hostname": {"url_hostname": "b.example.net"}}])
    simulator.create_list("empty_asns", "asn")
    simulator.reset_counters()
    return simulator


def run(sim, **params):
    result = run_simulated(module, sim, **params)
    assert result.get("changed", False) is False
    assert writes(sim) == 0
    return result


def test_every_list_of_the_account_in_one_request(sim):
    result = run(sim)
    assert result["_rc"] == 0
    assert result["lists"] == sim.get_lists()
    assert [lst["name"] for lst in result["lists"]] == ["blocked_ips", "partner_hosts", "empty_asns"]
    assert all("list_items" not in lst for lst in result["lists"])
    assert sim.get_counters()["total"] == 1


def test_one_list_by_name(sim):
    result = run(sim, name="partner_hosts")
    assert [lst["name"] for lst in result["lists"]] == ["partner_hosts"]
    assert result["lists"][0]["num_items"] == 2
    assert count(sim, "GET", LISTS_ROUTE) == 1


def test_one_list_by_id(sim):
    wanted = sim.get_lists()[2]
    result = run(sim, list_id=wanted["id"])
    assert result["lists"] == [wanted]
    assert count(sim, "GET", LIST_ROUTE) == 1


@pytest.mark.parametrize("params", [dict(name="no_such_list"), dict(list_id=MISSING_ID), dict(name="no_such_list", items=True)])
def test_a_list_that_is_not_there_gives_no_lists(sim, params):
    result = run(sim, **params)
    assert result["_rc"] == 0 and result["lists"] == []
    assert count(sim, "GET", ITEMS_ROUTE) == 0


def test_items_across_pages(sim):
    result = run(sim, name="blocked_ips", items=True)
    items = result["lists"][0]["list_items"]
    assert len(items) == 1100 == result["lists"][0]["num_items"]
    assert items == sim.get_items(sim.get_lists()[0]["id"])
    # 500 per page: 500 + 500 + 100.
    assert count(sim, "GET", ITEMS_ROUTE) == 3


def test_items_of_every_list(sim):
    result = run(sim, items=True)
    assert [len(lst["list_items"]) for lst in result["lists"]] == [1100, 2, 0]
    assert result["lists"][1]["list_items"][0]["hostname"] == {"url_hostname": "a.example.com"}
    assert result["lists"][1]["list_items"][0]["comment"] == "a"
    assert count(sim, "GET", ITEMS_ROUTE) == 3 + 1 + 1


def test_search_filters_the_items(sim):
    result = run(sim, name="blocked_ips", items=True, search="10.0.5.")
    assert [item["ip"] for item in result["lists"][0]["list_items"]] == ["10.0.5.%d" % i for i in range(1, 101)]
    hosts = run(sim, name="partner_hosts", items=True, search="example.net")
    assert [item["hostname"]["url_hostname"] for item in hosts["lists"][0]["list_items"]] == ["b.example.net"]


def test_check_mode_reads_as_usual(sim):
    result = run(sim, name="partner_hosts", items=True, _ansible_check_mode=True)
    assert len(result["lists"][0]["list_items"]) == 2


def test_a_read_only_token_is_enough(sim):
    result = run(sim, api_token=READ_TOKEN, items=True)
    assert len(result["lists"]) == 3


@pytest.mark.parametrize("params, expected", [
    (dict(name="blocked_ips", list_id=MISSING_ID), "name and list_id are mutually exclusive"),
    (dict(search="10.0."), "search filters a list's items, so it needs items: true."),
    (dict(name="Blocked IPs"), "name must be 1 to 50 lower-case letters"),
    (dict(list_id="../../x"), "list_id must be the 32-character hexadecimal id of a list (got 7 characters)."),
])
def test_bad_input_is_refused_before_any_request(sim, params, expected):
    result = run(sim, **params)
    assert result["failed"] is True and result["msg"].startswith("Invalid options: ")
    assert expected in result["msg"]
    assert sim.get_counters()["total"] == 0


def test_all_problems_at_once(sim):
    result = run(sim, name="A", list_id="x", search="y", account_id="z")
    for expected in ("account_id must be", "name must be", "list_id must be", "mutually exclusive", "needs items: true"):
        assert expected in result["msg"]
    assert sim.get_counters()["total"] == 0


def test_a_wrong_token_fails_with_cloudflare_code_and_the_read_permission(sim):
    result = run(sim, api_token="not-the-token-1234")
    assert result["failed"] is True and result["status"] == 403 and result["errors"][0]["code"] == 10000
    assert result["msg"].startswith("Reading the lists of account %s: HTTP 403: Authentication error (10000)." % sim.account_id)
    assert "'Account Filter Lists Read'" in result["msg"]


def test_a_failed_item_read_names_the_list(sim):
    sim.add_fault("status", status=500, method="GET", path="/items", count=10)
    result = run(sim, name="partner_hosts", items=True, max_retries=0)
    assert result["failed"] is True and result["status"] == 500
    assert result["msg"].startswith("Reading the items of list 'partner_hosts' (")


def test_a_read_is_retried(sim):
    sim.add_fault("reset", method="GET", path="/items")
    result = run(sim, name="partner_hosts", items=True)
    assert len(result["lists"][0]["list_items"]) == 2
    assert count(sim, "GET", ITEMS_ROUTE) == 2
