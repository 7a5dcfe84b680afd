# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one waiter of this collection: poll until done, or until a deadline.

Pure Python, no Ansible and no HTTP: ``poll`` and ``is_done`` are passed in,
and so are ``clock`` and ``sleep``, so tests drive it with a fake clock.
It never calls fail_json; the caller decides what an unfinished wait means.
"""

import time

# The pause between the starts of two polls is a quarter of the time waited
# so far, so a task ends at most ~25% later than the operation it waits on.
# Polls are never closer than MIN_PAUSE, which keeps one waiting task at or
# under 2 requests/s. For the first 40 s the pause is also capped at
# EARLY_PAUSE_CAP: changes usually take seconds, and a 1-second uri + until
# loop notices them within about 1.6 s, so a wait of 30 s should not lag by
# 7.5 s (docs/performance.md has the measurements). After that the pause
# grows to wait_sleep and requests grow slowly: a 5-minute wait costs ~75.
MIN_PAUSE = 0.5
PAUSE_FRACTION = 0.25
EARLY_PAUSE_CAP = 2.5
EARLY_PHASE = 40.0


def next_pause(elapsed, max_pause):
    """Seconds from the start of a poll made ``elapsed`` seconds into the wait to the start of the next."""
    pause = min(max_pause, max(MIN_PAUSE, PAUSE_FRACTION * elapsed))
    if elapsed < EARLY_PHASE:
        pause = min(pause, EARLY_PAUSE_CAP)
    return pause


class WaitResult:
    """What a wait saw: the last value polled, whether it was done, and the cost."""

    def __init__(self, done, value, elapsed, polls):
        self.done = done
        self.value = value
        self.elapsed = elapsed
        self.polls = polls


def wait_until(poll, is_done, timeout, max_pause, clock=time.monotonic, sleep=time.sleep):
    """Poll at once, then at growing intervals, until ``is_done(value)`` or the deadline.

    ``poll(deadline)`` gets the absolute deadline (a ``clock`` value) so that
    whatever it does (HTTP retries) can stop in time too. With ``timeout`` 0
    it polls exactly once. A pause never runs past the deadline: the last poll
    happens at the deadline itself, so a wait ends within ``timeout`` plus the
    duration of one poll. Exceptions from ``poll`` propagate unchanged.
    """
    start = clock()
    deadline = start + max(0.0, timeout)
    polls = 0
    while True:
        poll_started = clock()
        value = poll(deadline)
        polls += 1
        now = clock()
        if is_done(value):
            return WaitResult(True, value, now - start, polls)
        if now >= deadline:
            return WaitResult(False, value, now - start, polls)
        # Timed from the poll's start, so a slow answer does not add to the lag.
        next_start = min(deadline, poll_started + next_pause(poll_started - start, max_pause))
        if next_start > now:
            sleep(next_start - now)
