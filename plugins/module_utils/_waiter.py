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

# The pause after a poll is a quarter of the time waited so far, so a task
# ends at most ~25% later than the operation it waits on: an operation that
# took 20 s is seen done within 5 s of finishing. Polls are never closer than
# MIN_PAUSE, which keeps one waiting task at or under 2 requests/s, and a
# wait's requests grow with the log of its length once the pause is 25%.
MIN_PAUSE = 0.5
PAUSE_FRACTION = 0.25


def next_pause(elapsed, max_pause):
    """Seconds to pause after a poll made ``elapsed`` seconds into the wait."""
    return min(max_pause, max(MIN_PAUSE, PAUSE_FRACTION * elapsed))


class WaitResult:
    """What a wait saw: the last value polled, whether it was done, and the cost."""

    def __init__(self, done, value, elapsed, polls):
        self.done = done
        self.value = value
        self.elapsed = elapsed
        self.polls = polls


def wait_until(poll, is_done, timeout, max_pause, clock=time.monotonic, sleep=time.sleep):
    """Poll at once, then with growing pauses, until ``is_done(value)`` or the deadline.

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
        value = poll(deadline)
        polls += 1
        now = clock()
        if is_done(value):
            return WaitResult(True, value, now - start, polls)
        remaining = deadline - now
        if remaining <= 0:
            return WaitResult(False, value, now - start, polls)
        sleep(min(remaining, next_pause(now - start, max_pause)))
