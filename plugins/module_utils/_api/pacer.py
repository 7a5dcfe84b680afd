# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing: one task never spends more than its share of Cloudflare's rate budget.

Cloudflare allows 1,200 requests per 5 minutes per user or token, shared by every tool that uses
it; past that it answers 429 to everything for up to 5 minutes. A task is given a share of that
budget (``rate_budget``, requests per 5 minutes) and spends it through a token bucket:

- the bucket holds a quarter of the share, so a task that needs no more than that (a status
  check, a wait, reading a list of up to ~75,000 items with the default share) is never slowed;
- it refills at the rest of the share spread over 5 minutes, so a long task settles at a steady
  pace: with the default share of 600, 1.5 requests per second.

In any window of 5 minutes a task therefore sends at most ``capacity + rate x 300 = rate_budget``
requests: with the default, half of Cloudflare's budget, and the other half stays for the other
tools on the token. Pure Python; the clock and sleep are injected, so tests never wait.
"""

# Cloudflare's global rate limit: 1,200 requests per 300 seconds per user or token.
CLOUDFLARE_BUDGET = 1200
WINDOW = 300.0
# The bucket's size as a part of the share: large enough that small tasks never wait, small
# enough that the refill rate (the rest of the share) still paces a long task.
BURST_FRACTION = 0.25


class Pacer:
    """A token bucket that allows at most ``budget`` requests in any ``window`` seconds."""

    def __init__(self, budget, clock, sleep, window=WINDOW):
        self.budget = int(budget)
        self.window = float(window)
        self.capacity = max(1.0, float(int(self.budget * BURST_FRACTION)))
        self.rate = max(self.budget - self.capacity, 1.0) / self.window
        self.clock = clock
        self.sleep = sleep
        self.tokens = self.capacity
        self.stamp = None
        self.waited = 0.0

    def _refill(self, now):
        if self.stamp is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def delay(self):
        """Seconds until the next request may go, without taking a token."""
        self._refill(self.clock())
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, deadline=None):
        """Wait until a request may go, then count it. Never sleeps past ``deadline`` (a clock value)."""
        pause = self.delay()
        if pause > 0:
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - self.clock()))
            if pause > 0:
                self.sleep(pause)
                self.waited += pause
            self._refill(self.clock())
        self.tokens -= 1.0
