# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which failed requests the client retries, proven with the simulator's request counters.

A read is retried after anything transient. A write (POST, PUT, DELETE) is retried only when the
failure proves nothing was done: a 429, or a connection that was never made. After a reset, a
truncated answer or a 5xx once the request has left, it is not retried, and the error says
``outcome_unknown``: the caller must read the state again before sending anything more.
"""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import lookup as _lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import TOKEN
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import (
    ITEMS_ROUTE,
    LIST_ROUTE,
    LISTS_ROUTE,
    count,
    free_port,
    new_simulator,
)


class Write:
    """One kind of write: how to send it, where the simulator counts it, and whether it took effect."""

    def __init__(self, method, route, send, applied):
        self.method = method
        self.route = route
        self.send = send
        self.applied = applied

    def path(self, sim):
        """A substring of the request path that only this write's requests have, for a fault to match."""
        return {LISTS_ROUTE: "/rules/lists", LIST_ROUTE: "/" + sim.target, ITEMS_ROUTE: "/items"}[self.route]


def _appended(sim):
    sim.advance(60)  # past the bulk operation's duration
    return [item["ip"] for item in sim.get_items(sim.target)] == ["192.0.2.1"]


WRITES = {
    "create list": Write("POST", LISTS_ROUTE, lambda sim, c: _lists.create_list(c, sim.account_id, "made_here", "ip"),
                         lambda sim: "made_here" in [lst["name"] for lst in sim.get_lists()]),
    "update description": Write("PUT", LIST_ROUTE, lambda sim, c: _lists.update_description(c, sim.account_id, sim.target, "new"),
                                lambda sim: sim.get_lists()[0]["description"] == "new"),
    "delete list": Write("DELETE", LIST_ROUTE, lambda sim, c: _lists.delete_list(c, sim.account_id, sim.target),
                         lambda sim: sim.get_lists() == []),
    "append items": Write("POST", ITEMS_ROUTE, lambda sim, c: _lists.append_items(c, sim.account_id, sim.target, [{"ip": "192.0.2.1"}]),
                          _appended),
}


def seeded(port=0):
    """A simulator, not yet listening, with one list (``sim.target``) for the writes to change."""
    sim = new_simulator(port=port)
    sim.target = sim.create_list("target", "ip")["id"]
    return sim


@pytest.fixture
def sim():
    simulator = seeded().start()
    yield simulator
    simulator.stop()


@pytest.fixture(params=sorted(WRITES))
def write(request):
    return WRITES[request.param]


def make_client(url, clock, sleep=None, max_retries=3):
    return CloudflareClient(url, {"Authorization": "Bearer " + TOKEN}, clock=clock, sleep=sleep or clock.sleep,
                            rand=lambda: 1.0, timeout=5, max_retries=max_retries)


def test_a_write_is_retried_after_429(sim, clock, write):
    sim.add_fault("status", status=429, method=write.method, path=write.path(sim))
    write.send(sim, make_client(sim.url, clock))
    assert count(sim, write.method, write.route) == 2
    assert write.applied(sim)
    assert clock.sleeps == [1.0]  # the 429's Retry-After


def test_a_write_is_retried_after_connection_refused(clock, write):
    """Nothing listens on the port at first; the simulator starts there during the back-off sleep."""
    sim = seeded(port=free_port())

    def sleep_then_listen(seconds):
        clock.sleep(seconds)
        sim.start()

    try:
        write.send(sim, make_client(sim.url, clock, sleep=sleep_then_listen))
        # The refused attempt never reached the simulator: the one it counts is the retry.
        assert count(sim, write.method, write.route) == 1
        assert sim.get_counters()["total"] == 1
        assert write.applied(sim)
        assert clock.sleeps == [0.5]
    finally:
        sim.stop()


def test_a_refused_connection_is_not_an_unknown_outcome(clock, write):
    sim = seeded(port=free_port())
    with pytest.raises(CloudflareError) as info:
        write.send(sim, make_client(sim.url, clock, max_retries=2))
    assert info.value.status is None and info.value.sent is False
    assert info.value.outcome_unknown is False
    assert len(clock.sleeps) == 2  # retried up to max_retries


@pytest.mark.parametrize("fault", [
    dict(kind="reset", after=True),
    dict(kind="reset"),
    dict(kind="status", status=503),
    dict(kind="status", status=500, after=True),
    dict(kind="status", status=502, body="html"),
    dict(kind="truncate", incomplete=True),
], ids=["reset after applying", "reset", "503", "500 after applying", "502 html page", "truncated answer"])
def test_a_write_is_not_retried_once_sent_and_its_outcome_is_unknown(sim, clock, write, fault):
    sim.add_fault(method=write.method, path=write.path(sim), **fault)
    with pytest.raises(CloudflareError) as info:
        write.send(sim, make_client(sim.url, clock))
    assert info.value.outcome_unknown is True
    assert count(sim, write.method, write.route) == 1
    assert clock.sleeps == []
    # Whether it took effect is exactly what the caller cannot tell from the error.
    expected = fault.get("after", False) or fault["kind"] == "truncate"
    assert write.applied(sim) is expected


def test_a_refusal_is_not_retried_and_its_outcome_is_known(sim, clock):
    """A 4xx is Cloudflare refusing before acting: nothing was done, and the caller may say so."""
    client = make_client(sim.url, clock)
    with pytest.raises(CloudflareError) as info:
        _lists.create_list(client, sim.account_id, "target", "ip")  # the name is taken
    assert info.value.status == 400 and info.value.outcome_unknown is False
    assert count(sim, "POST", LISTS_ROUTE) == 1


def test_a_write_gives_up_after_max_retries_of_429(sim, clock):
    sim.add_fault("status", status=429, method="POST", count=5)
    with pytest.raises(CloudflareError) as info:
        _lists.create_list(make_client(sim.url, clock, max_retries=2), sim.account_id, "made_here", "ip")
    assert info.value.status == 429 and info.value.outcome_unknown is False
    assert count(sim, "POST", LISTS_ROUTE) == 3


@pytest.mark.parametrize("fault", [dict(kind="reset"), dict(kind="status", status=503), dict(kind="status", status=429),
                                   dict(kind="truncate", incomplete=True)],
                         ids=["reset", "503", "429", "truncated answer"])
def test_a_read_is_retried_after_any_transient_failure(sim, clock, fault):
    sim.add_fault(method="GET", **fault)
    found = _lists.find_list(make_client(sim.url, clock), sim.account_id, list_id=sim.target)
    assert found["name"] == "target"
    assert count(sim, "GET", LIST_ROUTE) == 2
    assert len(clock.sleeps) == 1


def test_a_read_is_retried_after_connection_refused(clock):
    sim = seeded(port=free_port())

    def sleep_then_listen(seconds):
        clock.sleep(seconds)
        sim.start()

    try:
        lists = _lists.get_lists(make_client(sim.url, clock, sleep=sleep_then_listen), sim.account_id)
        assert [lst["name"] for lst in lists] == ["target"]
        assert count(sim, "GET", LISTS_ROUTE) == 1
    finally:
        sim.stop()
