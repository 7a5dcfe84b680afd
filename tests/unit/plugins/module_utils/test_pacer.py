# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing: the rule on a fake clock, then a scaled-down budget against the simulator's rate limiter."""

import bisect

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_items import ItemsTask
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.pacer import Pacer
from ansible_collections.netedge.cloudflare.tests.simulator.cloudflare_sim import Simulator
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import FakeClock


def send_times(budget, count, clock, deadline=None):
    pacer = Pacer(budget, clock, clock.sleep)
    times = []
    for _request in range(count):
        pacer.take(deadline)
        times.append(clock())
    return pacer, times


def most_in_any_window(times, window=300.0):
    return max(bisect.bisect_right(times, start + window - 1e-9) - index for index, start in enumerate(times))


@pytest.mark.parametrize("budget", [20, 100, 600, 1200])
def test_never_more_than_the_budget_in_any_five_minutes(budget):
    clock = FakeClock(start=0.0)
    _pacer, times = send_times(budget, 3 * budget, clock)
    assert most_in_any_window(times) <= budget


def test_a_quarter_of_the_budget_goes_at_once_then_the_rest_is_spread():
    clock = FakeClock(start=0.0)
    pacer, times = send_times(600, 1000, clock)
    assert times[149] == 0.0 and times[150] > 0.0
    # 850 more requests at 1.5 per second.
    assert times[-1] == pytest.approx(850 / 1.5, abs=1.0)
    assert pacer.waited == pytest.approx(times[-1], abs=1.0)


def test_a_small_task_is_never_slowed():
    clock = FakeClock(start=0.0)
    _pacer, times = send_times(600, 150, clock)
    assert clock.sleeps == [] and times[-1] == 0.0


def test_pacing_never_sleeps_past_the_deadline():
    clock = FakeClock(start=0.0)
    pacer = Pacer(20, clock, clock.sleep)
    for _request in range(5):
        pacer.take()
    pacer.take(deadline=2.0)
    assert clock() == 2.0


# --- against the simulator's limiter, scaled down: 40 requests per 5 minutes -----------------

@pytest.fixture
def limited(clock):
    sim = Simulator(clock=clock, op_duration=1.0, rate_limit=(40, 300), max_items=100000, seed=3)
    sim.start()
    sim.create_list("big", "ip", items=[{"ip": "10.%d.%d.%d" % (i // 65536, i // 256 % 256, i % 256)} for i in range(30000)])
    yield sim
    sim.stop()


def sync(sim, clock, rate_budget, items):
    client = CloudflareClient(sim.url, {"Authorization": "Bearer " + sim.api_token}, clock=clock, sleep=clock.sleep,
                              rand=lambda: 0.5, bypass_proxies=True, rate_budget=rate_budget, max_retries=1)
    params = dict(account_id=sim.account_id, list_name="big", list_id=None, items=items, state="exact", wait=True,
                  wait_timeout=300.0, wait_sleep=5.0, max_removals=None, allow_empty=False, max_reported_items=10)
    try:
        return ItemsTask(client, params, False, False, lambda _msg: None).run() + (client,)
    finally:
        client.close()


def test_a_task_that_needs_more_than_its_share_paces_itself_and_meets_no_429(limited, clock):
    values = ["10.%d.%d.%d" % (i // 65536, i // 256 % 256, i % 256) for i in range(30000)]
    failure, result, client = sync(limited, clock, 30, values)
    assert failure is None and result["changed"] is False
    # One lookup and 60 pages: each request was answered the first time, so none met a 429.
    assert limited.get_counters()["total"] == 61 == client.requests_sent
    assert client.pacer.waited > 0


def test_without_pacing_the_same_task_runs_into_the_limit(limited, clock):
    values = ["10.%d.%d.%d" % (i // 65536, i // 256 % 256, i % 256) for i in range(30000)]
    failure, _result, client = sync(limited, clock, 1200, values)
    assert "HTTP 429" in failure and "rate limit" in failure
    assert client.requests_sent > 40
