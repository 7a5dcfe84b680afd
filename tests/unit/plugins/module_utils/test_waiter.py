# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The waiter and its poll schedule, driven by a fake clock: nothing here sleeps."""


import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.waiter import next_pause, wait_until
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import FakeClock


def operation_finishing_at(clock, finish_at):
    """A poll function whose operation is done from ``finish_at`` seconds after the clock's start."""
    start = clock()
    calls = []

    def poll(deadline):
        calls.append((clock() - start, deadline))
        return "completed" if clock() - start >= finish_at else "running"

    return poll, calls


def wait(clock, finish_at, timeout=300, max_pause=5):
    poll, calls = operation_finishing_at(clock, finish_at)
    result = wait_until(poll, lambda status: status == "completed", timeout, max_pause, clock=clock, sleep=clock.sleep)
    return result, calls


def test_first_poll_is_immediate_and_done_at_once():
    clock = FakeClock()
    result, calls = wait(clock, 0)
    assert (result.done, result.value, result.polls, result.elapsed) == (True, "completed", 1, 0)
    assert calls[0][0] == 0
    assert clock.sleeps == []


def test_pauses_start_short_and_grow_to_wait_sleep():
    clock = FakeClock()
    wait(clock, 200, max_pause=5)
    assert clock.sleeps[:4] == [0.5, 0.5, 0.5, 0.5]
    assert all(b >= a for a, b in zip(clock.sleeps, clock.sleeps[1:]))
    assert max(clock.sleeps) == 5
    assert clock.sleeps[-1] == 5


def test_next_pause_is_a_quarter_of_elapsed_within_bounds():
    assert next_pause(0, 5) == 0.5
    assert next_pause(8, 5) == 2
    assert next_pause(100, 5) == 5
    assert next_pause(100, 0.5) == 0.5
    assert next_pause(1, 0.2) == 0.2


def test_timeout_returns_last_value_not_done_and_never_sleeps_past_deadline():
    clock = FakeClock()
    result, calls = wait(clock, 1000, timeout=30, max_pause=5)
    assert result.done is False
    assert result.value == "running"
    assert result.elapsed == pytest.approx(30)
    assert sum(clock.sleeps) == pytest.approx(30)
    assert calls[-1][0] == pytest.approx(30)  # the last poll happens at the deadline itself
    assert all(deadline == pytest.approx(1030) for _elapsed, deadline in calls)


def test_zero_timeout_polls_exactly_once():
    clock = FakeClock()
    result, calls = wait(clock, 1000, timeout=0)
    assert (result.done, result.polls, len(calls)) == (False, 1, 1)
    assert clock.sleeps == []


def test_poll_errors_propagate():
    clock = FakeClock()

    def poll(_deadline):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        wait_until(poll, bool, 10, 5, clock=clock, sleep=clock.sleep)


# The schedule bounds, checked on a fine grid of operation durations T
# (0.5 <= T <= 60) and for several wait_sleep values.
GRID = [0.5 + i * 0.05 for i in range(int((60 - 0.5) / 0.05) + 1)]


@pytest.mark.parametrize("max_pause", [0.5, 1, 2, 5, 10, 30])
def test_task_ends_within_a_quarter_of_t_after_the_operation(max_pause):
    for finish_at in GRID:
        clock = FakeClock()
        result, _calls = wait(clock, finish_at, max_pause=max_pause)
        latency = result.elapsed - finish_at
        bound = min(max_pause, max(0.5, 0.25 * finish_at))
        assert result.done
        assert -1e-9 <= latency <= bound + 1e-9, (finish_at, latency, bound)


def test_request_count_bounds():
    """Requests stay within T + 2 from T = 12 s on; below that the latency bound costs up to 3.1 more.

    The two bounds of the issue cannot both hold for 1 s < T < 12 s: a latency of at
    most max(0.5, T/4) forces polls at 0, 0.5, 1, 1.5, 2, 2.5, 3.125, 3.9 s... (any
    later poll would be late for an operation that ends just after the one before),
    which is 8 requests before T = 4 s. This schedule is the sparsest that meets the
    latency bound; docs/performance.md has the table.
    """
    worst_extra = 0
    for finish_at in GRID:
        clock = FakeClock()
        result, _calls = wait(clock, finish_at, max_pause=5)
        extra = result.polls - (finish_at + 2)
        worst_extra = max(worst_extra, extra)
        if finish_at >= 12:
            assert result.polls <= finish_at + 2, (finish_at, result.polls)
        else:
            assert result.polls <= finish_at + 2 + 3.1 + 1e-9, (finish_at, result.polls)
    assert worst_extra > 0  # the conflict is real, and this test would notice if it went away


def test_long_wait_costs_few_requests():
    clock = FakeClock()
    result, _calls = wait(clock, 300, timeout=600, max_pause=5)
    # 12 polls up to 9.5 s (0.5 s apart, then 25% growth), every 2.5 s up to 40 s, then every 5 s.
    assert result.polls == 77


def test_pauses_are_capped_early_then_grow_to_wait_sleep():
    assert next_pause(20, 5) == 2.5
    assert next_pause(39.9, 30) == 2.5
    assert next_pause(40, 30) == 10
    assert next_pause(200, 30) == 30


def test_pauses_are_timed_from_the_start_of_each_poll():
    """A slow answer does not add to the interval: polls start on schedule."""
    clock = FakeClock()
    starts = []

    def poll(_deadline):
        starts.append(clock() - 1000)
        clock.now += 0.3  # each answer takes 0.3 s
        return "running"

    wait_until(poll, lambda status: False, 3, 5, clock=clock, sleep=clock.sleep)
    assert starts[:5] == pytest.approx([0, 0.5, 1.0, 1.5, 2.0])
    assert clock.sleeps[:4] == pytest.approx([0.2, 0.2, 0.2, 0.2])
