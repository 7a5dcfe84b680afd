# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Documents plugins/module_utils/_options.py WAIT_SPEC; a unit test keeps the two in step.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Whether to poll until the bulk operation is V(completed) or V(failed).
      - With V(false), the status is read once and returned as it is, whatever it is.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait at most when O(wait=true). V(0) reads the status once.
      - At the deadline the task fails and reports the last status seen.
      - A task that waits ends within O(wait_timeout) plus one request's O(timeout) (retries never start
        or sleep past the deadline).
    type: float
    default: 300
  wait_sleep:
    description:
      - The longest pause between two polls, in seconds (0.5 to 300).
      - The first poll is immediate. Polls then start a quarter of the time waited so far apart, at least 0.5 seconds,
        at most 2.5 seconds during the first 40 seconds, and at most O(wait_sleep) after that. So a task ends soon
        after a short operation finishes, while a long wait spends few requests.
    type: float
    default: 5
"""
