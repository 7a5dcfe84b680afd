# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing: one task never spends more than its share of Cloudflare's rate budget, and no less.

Cloudflare allows 1,200 requests per 5 minutes per user or token, shared by every tool that uses
it; past that it answers 429 to everything for up to 5 minutes. A task is given a share of that
budget (``rate_budget``, requests per 5 minutes) and keeps exactly that promise: no window of 5
minutes holds more than ``rate_budget`` of its requests.

It keeps a log of the send times of its last ``rate_budget`` requests (bounded memory: one float
each). Request k + budget may go only when request k is 5 minutes old. So:

- a task that needs no more than its share in 5 minutes (a status check, a wait, reading or
  syncing a list of up to ~300,000 items with the default share) is never slowed;
- a longer task sends its share as fast as the answers come, then one request for every one
  that turns 5 minutes old: it takes about 5 minutes per share beyond the first, not longer.

A pause never runs past a deadline (a ``clock`` value): when the next request may not go before
it, the pacer sleeps to the deadline and refuses the request (a CloudflareError that was never
sent), rather than break the promise. Pure Python; the clock and sleep are injected, so tests
never wait.
"""

import collections

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError

# Cloudflare's global rate limit: 1,200 requests per 300 seconds per user or token.
CLOUDFLARE_BUDGET = 1200
WINDOW = 300.0


class Pacer:
    """At most ``budget`` requests in any ``window`` seconds: a log of the last ``budget`` send times."""

    def __init__(self, budget, clock, sleep, window=WINDOW):
        self.budget = max(1, int(budget))
        self.window = float(window)
        self.clock = clock
        self.sleep = sleep
        # The oldest entry is the one request k that request k + budget waits for.
        self.sent = collections.deque(maxlen=self.budget)
        self.waited = 0.0

    def delay(self):
        """Seconds until the next request may go, without counting one."""
        if len(self.sent) < self.budget:
            return 0.0
        return max(0.0, self.sent[0] + self.window - self.clock())

    def take(self, deadline=None):
        """Wait until a request may go, then count it. Never sleeps past ``deadline`` (a clock value).

        Raises CloudflareError (``sent`` False) when the request may not go before ``deadline``.
        """
        pause = self.delay()
        while pause > 0:
            if deadline is not None:
                room = deadline - self.clock()
                if room < pause:
                    self._pause(room)
                    raise self._refusal(pause - max(room, 0.0))
            self._pause(pause)
            pause = self.delay()
        self.sent.append(self.clock())

    def _pause(self, seconds):
        if seconds > 0:
            self.sleep(seconds)
            self.waited += seconds

    def _refusal(self, short):
        err = CloudflareError(
            "not sent: this task already sent its rate_budget of %d requests in the last %d seconds, and the next may go "
            "only %.0f s after the deadline. Raise wait_timeout, or rate_budget if nothing else uses the token"
            % (self.budget, self.window, max(short, 1.0)))
        err.sent = False
        return err
