# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing: the rule on a fake clock (examples, then any schedule), then a scaled-down budget against the simulator's rate limiter."""

import bisect

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_items import ItemsTask
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.pacer import Pacer
from ansible_collections.netedge.cloudflare.tests.simulator.cloudflare_sim import Simulator
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import FakeClock


def send_times(budget, count, clock, deadline=None, work=0.0):
    """Send ``count`` requests, each taking ``work`` seconds after it goes: the times they went."""
    pacer = Pacer(budget, clock, clock.sleep)
    times = []
    for _request in range(count):
        pacer.take(deadline)
        times.append(clock())
        clock.now += work
    return pacer, times


def most_in_any_window(times, window=300.0):
    return max(bisect.bisect_right(times, start + window - 1e-9) - index for index, start in enumerate(times))


@pytest.mark.parametrize("budget", [20, 100, 600, 1200])
def test_never_more_than_the_budget_in_any_five_minutes(budget):
    clock = FakeClock(start=0.0)
    _pacer, times = send_times(budget, 3 * budget, clock)
    assert most_in_any_window(times) <= budget
    # And no fewer: the whole share goes at once, the next share when the first is 5 minutes old.
    assert times[budget - 1] == 0.0 and times[budget] == 300.0 and times[-1] == 600.0


def test_the_share_goes_as_fast_as_answers_come_then_one_request_per_one_five_minutes_old():
    # Reading 500,000 items: a lookup, 1,000 pages, a bulk operation and a few polls, 0.1 s each.
    clock = FakeClock(start=0.0)
    pacer, times = send_times(600, 1005, clock, work=0.1)
    assert times[599] == pytest.approx(59.9) and clock.sleeps[0] == pytest.approx(300.0 - 60.0)
    assert times[600] == pytest.approx(300.0) and times[-1] == pytest.approx(300.0 + 404 * 0.1)
    # One pause of 4 minutes, not 9 minutes of a steady pace: done well within 6 minutes.
    assert pacer.waited == pytest.approx(240.0) and clock() < 360.0


def test_a_task_within_its_share_is_never_slowed():
    # An unchanged sync of 100,000 items: a lookup and 200 pages.
    clock = FakeClock(start=0.0)
    pacer, times = send_times(600, 201, clock)
    assert clock.sleeps == [] and pacer.waited == 0.0 and times[-1] == 0.0
    _pacer, times = send_times(600, 600, clock)
    assert clock.sleeps == [] and times[-1] == 0.0


def test_pacing_never_sleeps_past_the_deadline_and_then_refuses_the_request():
    clock = FakeClock(start=0.0)
    pacer = Pacer(20, clock, clock.sleep)
    for _request in range(20):
        pacer.take()
    with pytest.raises(CloudflareError) as caught:
        pacer.take(deadline=2.0)
    assert clock() == 2.0 and caught.value.sent is False and caught.value.status is None
    assert "rate_budget of 20 requests in the last 300 seconds" in str(caught.value)
    assert "298 s after the deadline" in str(caught.value)
    # The refused request was not counted: the next one goes when the first is 5 minutes old.
    pacer.take(deadline=400.0)
    assert clock() == 300.0 and len(pacer.sent) == 20


def test_a_deadline_already_past_does_not_sleep():
    clock = FakeClock(start=0.0)
    pacer = Pacer(20, clock, clock.sleep)
    for _request in range(20):
        pacer.take(deadline=-5.0)
    assert clock.sleeps == []
    with pytest.raises(CloudflareError):
        pacer.take(deadline=-5.0)
    assert clock.sleeps == [] and clock() == 0.0


# --- any schedule: gaps of work between requests, some with a deadline ----------------------

SCHEDULES = st.lists(st.tuples(st.floats(0.0, 120.0), st.one_of(st.none(), st.floats(-10.0, 400.0))), max_size=120)


def run_schedule(budget, schedule):
    """Each step: ``gap`` seconds of work, then a request with a deadline ``offset`` s ahead (or none).

    Returns (clock, [(asked at, sent at or None, deadline)]).
    """
    clock = FakeClock(start=0.0)
    pacer = Pacer(budget, clock, clock.sleep)
    steps = []
    for gap, offset in schedule:
        clock.now += gap
        asked = clock()
        deadline = None if offset is None else asked + offset
        try:
            pacer.take(deadline)
        except CloudflareError as err:
            assert err.sent is False and deadline is not None
            steps.append((asked, None, deadline, clock()))
        else:
            steps.append((asked, clock(), deadline, clock()))
    return clock, steps


@settings(max_examples=300, deadline=None, derandomize=True)
@given(budget=st.integers(1, 30), schedule=SCHEDULES)
def test_any_schedule_keeps_the_promise_and_no_more(budget, schedule):
    _clock, steps = run_schedule(budget, schedule)
    sent = [went for _asked, went, _deadline, _after in steps if went is not None]
    if sent:
        assert most_in_any_window(sent) <= budget
    # No more than the promise: each request goes as soon as the one ``budget`` before it is 5 minutes
    # old (or at once); a refused one is refused only because that moment comes after its deadline.
    index = 0
    for asked, went, deadline, after in steps:
        earliest = max(asked, sent[index - budget] + 300.0) if index >= budget else asked
        if went is None:
            assert earliest > deadline and after == max(asked, deadline)
        else:
            assert went == pytest.approx(earliest, abs=1e-6)
            index += 1
        # Never a sleep past the deadline.
        if deadline is not None:
            assert after <= max(asked, deadline) + 1e-9


@settings(max_examples=200, deadline=None, derandomize=True)
@given(budget=st.integers(1, 600), gaps=st.lists(st.floats(0.0, 60.0), max_size=50), data=st.data())
def test_a_task_with_no_more_requests_than_its_budget_never_sleeps(budget, gaps, data):
    gaps = gaps[:budget]
    schedule = [(gap, data.draw(st.one_of(st.none(), st.floats(-10.0, 400.0)))) for gap in gaps]
    clock, steps = run_schedule(budget, schedule)
    assert clock.sleeps == [] and all(went is not None for _a, went, _d, _f in steps)


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
