# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_lists/lookup.py against the simulator on 127.0.0.1: lookups, paging, and the writes of lists."""

import json
import os
import re

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import lookup as _lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ACCOUNT, TOKEN
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import (
    ITEMS_ROUTE,
    LIST_ROUTE,
    LISTS_ROUTE,
    count,
    writes,
)

PLUGINS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins")
MISSING_ID = "f" * 32


@pytest.fixture
def client(sim, clock):
    made = CloudflareClient(sim.url, {"Authorization": "Bearer " + TOKEN}, clock=clock, sleep=clock.sleep,
                            rand=lambda: 1.0, timeout=5)
    yield made
    made.close()


def ips(n, start=0):
    return [{"ip": "10.0.%d.%d" % ((i // 250) % 250, i % 250 + 1), "comment": "item %d" % i} for i in range(start, start + n)]


def test_find_list_by_name_reads_the_lists_once(sim, client):
    sim.create_list("other", "hostname")
    made = sim.create_list("blocked_ips", "ip", description="WAF", items=ips(3))
    found = _lists.find_list(client, sim.account_id, name="blocked_ips")
    assert found == dict((field, made[field]) for field in _lists.LIST_FIELDS)
    assert found["num_items"] == 3 and found["description"] == "WAF"
    assert sim.get_counters()["total"] == 1 and count(sim, "GET", LISTS_ROUTE) == 1


def test_find_list_by_id_gets_that_list(sim, client):
    made = sim.create_list("blocked_ips", "ip")
    assert _lists.find_list(client, sim.account_id, list_id=made["id"])["name"] == "blocked_ips"
    assert count(sim, "GET", LIST_ROUTE) == 1 and sim.get_counters()["total"] == 1


def test_unknown_name_and_unknown_id_are_none(sim, client):
    sim.create_list("blocked_ips", "ip")
    assert _lists.find_list(client, sim.account_id, name="nothing_here") is None
    assert _lists.find_list(client, sim.account_id, list_id=MISSING_ID) is None
    assert _lists.get_list(client, sim.account_id, MISSING_ID) is None
    # A 404 is an answer, not a failure worth a retry: one request each.
    assert count(sim, "GET", LIST_ROUTE) == 2


def test_other_errors_of_a_lookup_are_raised(sim, clock):
    reader = CloudflareClient(sim.url, {"Authorization": "Bearer wrong-token-1234"}, clock=clock, sleep=clock.sleep)
    with pytest.raises(CloudflareError) as info:
        _lists.get_list(reader, sim.account_id, MISSING_ID)
    assert info.value.status == 403 and 10000 in info.value.codes()


def test_get_lists_keeps_only_cloudflare_fields(sim, client):
    sim.create_list("a_list", "ip")
    sim.create_list("b_list", "asn", description="scanners")
    lists = _lists.get_lists(client, sim.account_id)
    assert [(lst["name"], lst["kind"]) for lst in lists] == [("a_list", "ip"), ("b_list", "asn")]
    assert all(sorted(lst) == sorted(_lists.LIST_FIELDS) for lst in lists)


@pytest.mark.parametrize("n, per_page, pages", [(0, 500, 1), (7, 3, 3), (30, 7, 5), (1001, 500, 3)])
def test_iter_items_follows_every_cursor(sim, client, n, per_page, pages):
    lst = sim.create_list("paged", "ip", items=ips(n) if n else None)
    got = list(_lists.iter_items(client, sim.account_id, lst["id"], per_page=per_page))
    assert [item["ip"] for item in got] == [item["ip"] for item in sim.get_items(lst["id"])]
    assert len(got) == n
    assert count(sim, "GET", ITEMS_ROUTE) == pages
    assert writes(sim) == 0


def test_iter_items_reads_500_per_request_by_default(sim, client):
    lst = sim.create_list("big", "ip", items=ips(1200))
    assert len(list(_lists.iter_items(client, sim.account_id, lst["id"]))) == 1200
    requests = sim.get_counters()["requests"]
    assert count(sim, "GET", ITEMS_ROUTE) == 3
    assert all("per_page" not in key for key in requests)  # the query string is not part of the path
    assert _lists.ITEMS_PER_PAGE == 500


def test_iter_items_search_filters_on_every_page(sim, client):
    lst = sim.create_list("searched", "ip", items=ips(40))
    # Cloudflare's search: IP items that start with the text (10.0.0.1 and 10.0.0.10 to 10.0.0.19).
    got = list(_lists.iter_items(client, sim.account_id, lst["id"], search="10.0.0.1", per_page=4))
    assert [item["comment"] for item in got] == ["item 0"] + ["item %d" % i for i in range(9, 19)]
    assert count(sim, "GET", ITEMS_ROUTE) == 3


def test_iter_items_is_lazy(sim, client):
    lst = sim.create_list("lazy", "ip", items=ips(10))
    pages = _lists.iter_items(client, sim.account_id, lst["id"], per_page=2)
    assert next(pages)["comment"] == "item 0"
    assert count(sim, "GET", ITEMS_ROUTE) == 1


def test_a_repeated_cursor_stops_the_paging(httpserver, clock):
    path = "/client/v4" + _lists.items_path(ACCOUNT, "a" * 32)
    page = json.dumps({"result": [{"id": "1", "ip": "192.0.2.1"}], "success": True, "errors": [], "messages": [],
                       "result_info": {"cursors": {"after": "same-cursor"}}})
    httpserver.expect_request(path).respond_with_data(page, content_type="application/json")
    client = CloudflareClient(httpserver.url_for("/client/v4"), {"Authorization": "Bearer " + TOKEN},
                              clock=clock, sleep=clock.sleep)
    with pytest.raises(CloudflareError) as info:
        list(_lists.iter_items(client, ACCOUNT, "a" * 32))
    assert "same paging cursor twice" in str(info.value)
    # The first page, then the page its cursor names, whose cursor is the same: two requests, no more.
    assert len(httpserver.log) == 2
    assert "cursor=same-cursor" in httpserver.log[1][0].url


def test_an_answer_that_is_not_an_array_of_items_is_an_error(httpserver, clock):
    path = "/client/v4" + _lists.items_path(ACCOUNT, "a" * 32)
    body = json.dumps({"result": {"not": "a page"}, "success": True, "errors": [], "messages": []})
    httpserver.expect_request(path).respond_with_data(body, content_type="application/json")
    client = CloudflareClient(httpserver.url_for("/client/v4"), {"Authorization": "Bearer " + TOKEN},
                              clock=clock, sleep=clock.sleep)
    with pytest.raises(CloudflareError, match="not an array"):
        list(_lists.iter_items(client, ACCOUNT, "a" * 32))


def test_no_page_loop_outside_iter_items():
    """Paging is done once: only _lists/lookup.py follows cursors, and only _api/client.py defines get_page
    (and _api/answers.py reads result_info from the envelope)."""
    offenders = []
    for folder, _dirs, files in os.walk(PLUGINS):
        for name in files:
            path = os.path.relpath(os.path.join(folder, name), PLUGINS).replace(os.sep, "/")
            if not name.endswith(".py") or path in ("module_utils/_lists/lookup.py", "module_utils/_api/client.py",
                                                    "module_utils/_api/answers.py"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as stream:
                text = stream.read()
            if re.search(r"get_page\(|[\"']cursors?[\"']|result_info", text):
                offenders.append(path)
    assert offenders == []


def test_create_update_and_delete_a_list(sim, client):
    made = _lists.create_list(client, sim.account_id, "new_list", "hostname", "partners")
    assert (made["name"], made["kind"], made["description"], made["num_items"]) == ("new_list", "hostname", "partners", 0)
    assert re.fullmatch(r"[0-9a-f]{32}", made["id"])
    updated = _lists.update_description(client, sim.account_id, made["id"], "partner hosts")
    assert updated["description"] == "partner hosts"
    _lists.delete_list(client, sim.account_id, made["id"])
    assert sim.get_lists() == []
    assert (count(sim, "POST", LISTS_ROUTE), count(sim, "PUT", LIST_ROUTE), count(sim, "DELETE", LIST_ROUTE)) == (1, 1, 1)


def test_create_without_description_sends_none(sim, client):
    made = _lists.create_list(client, sim.account_id, "bare", "asn")
    assert made["description"] == ""


def test_delete_of_a_list_in_use_is_refused_with_10031(sim, client):
    made = sim.create_list("in_use", "ip")
    sim.set_referencing_filters(made["id"], 2)
    with pytest.raises(CloudflareError) as info:
        _lists.delete_list(client, sim.account_id, made["id"])
    assert info.value.status == 400 and info.value.codes() == [10031]
    assert info.value.outcome_unknown is False
    assert [lst["num_referencing_filters"] for lst in sim.get_lists()] == [2]
