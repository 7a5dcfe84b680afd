# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small present/absent against a large list looks its items up with Cloudflare's search, and is still right."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.item_keys import search_term
from ansible_collections.netedge.cloudflare.tests.unit.plugins.module_utils.test_items_task import Runner, seed

BIG = ["10.%d.%d.%d" % (i // 65536, i // 256 % 256, i % 256) for i in range(3000)]   # 6 pages of 500


@pytest.fixture
def sim_options():
    """Bulk operations take 1 s of the fake clock: the task polls them."""
    return {"op_duration": 1.0, "seed": 11}


@pytest.fixture
def run(sim, clock):
    return Runner(sim, clock)


def item_reads(sim):
    """How many times the items were read (a page of the list, or one search)."""
    return sum(count for request, count in sim.get_counters()["requests"].items()
               if request.startswith("GET ") and request.endswith("/items"))


def test_search_terms_match_every_stored_form():
    assert search_term("ip", "192.0.2.1") == "192.0.2.1"
    assert search_term("ip", "2001:db8::5") == "2001:db8::"
    assert search_term("ip", "198.51.100.0/24") == "198.51.100."
    assert search_term("ip", "10.0.0.0/8") is None
    assert search_term("ip", "2001:db8::/48") is None
    assert search_term("asn", 13335) == "13335"
    assert search_term("hostname", "example.com") == "example.com"


def test_a_few_items_against_a_large_list_cost_a_few_searches_not_a_full_read(sim, run):
    seed(sim, BIG)
    sim.reset_counters()
    failure, result = run(["192.0.2.1", "10.0.0.7"], state="present")
    assert failure is None and result["counts"] == {"added": 1, "removed": 0, "updated": 0, "unchanged": 1}
    assert result["list"]["num_items"] == 3001
    assert item_reads(sim) == 2     # a full read would be 6 pages
    assert len(run.held()) == 3001
    sim.reset_counters()
    failure, result = run(["192.0.2.1", "10.0.0.7"], state="present")
    assert failure is None and result["changed"] is False and sim.get_counters()["total"] == 3


def test_absent_by_search_deletes_by_id_and_keeps_the_rest(sim, run):
    seed(sim, BIG)
    failure, result = run(["10.0.0.7", "10.0.1.200", "192.0.2.99"], state="absent")
    assert failure is None and result["steps"] == ["delete 2 item(s)"]
    values = run.values()
    assert "10.0.0.7" not in values and "10.0.1.200" not in values and len(values) == 2998


def test_a_comment_change_found_by_search_falls_back_to_a_full_read(sim, run):
    seed(sim, BIG)
    sim.reset_counters()
    failure, result = run([{"ip": "10.0.0.7", "comment": "watch"}], state="present")
    assert failure is None and result["steps"] == ["replace all items with 3000 item(s)"]
    assert item_reads(sim) == 1 + 6  # the search, then the full read a replace needs
    assert [item.get("comment") for item in run.held() if item["ip"] == "10.0.0.7"] == ["watch"]
    assert len(run.held()) == 3000


def test_a_search_that_matches_too_much_stops_and_reads_the_list(sim, run):
    sim.configure(max_items=20000)
    seed(sim, ["172.16.%d.%d" % (i // 256, i % 256) for i in range(3000)])
    sim.reset_counters()
    failure, result = run(["172.16.0.0/12"], state="present")
    assert failure is None and result["counts"]["added"] == 1
    assert 6 < item_reads(sim) <= 6 + 6  # at most a full read's worth of searching, then the full read


@pytest.mark.parametrize("variant, stored, wanted", [
    ({"ipv4_host32": "cidr"}, "192.0.2.1/32", "192.0.2.1"),
    ({"ipv6_address": "slash64"}, "2001:db8::7", "2001:DB8::7"),
    ({"host_bits": "as_given"}, "198.51.100.7/24", "198.51.100.0/24"),
    ({"host_bits": "network"}, "198.51.100.7/24", "198.51.100.0/24"),
])
def test_search_finds_every_stored_form(sim, run, variant, stored, wanted):
    sim.configure(**variant)
    seed(sim, BIG + [stored])
    failure, result = run([wanted], state="present")
    assert failure is None and result["changed"] is False, (failure, result.get("steps"))
    assert item_reads(sim) == 1
    failure, result = run([wanted], state="absent")
    assert failure is None and result["steps"] == ["delete 1 item(s)"]
    assert len(run.held()) == len(BIG)
