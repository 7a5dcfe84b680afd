# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a task returns, the same way for every module: its result keys, and why it fails if it does.

A module's main() turns an Outcome into exit_json(**result()) or fail_json(msg=failure, **result()),
after module.warn() for each warning. Pure Python; private to the collection.
"""


class Outcome:
    """The keys a task returns (``KEYS``, read from the attributes of the same names), its diff, and
    its failure: ``failure`` is the message for the user, ``error`` the CloudflareError behind it, if any."""

    KEYS = ()
    changed = False
    diff = None
    failure = None
    error = None
    warnings = ()

    def result(self):
        result = {"changed": self.changed}
        for key in self.KEYS:
            result[key] = getattr(self, key)
        if self.diff is not None:
            result["diff"] = self.diff
        if self.error is not None:
            result.update(self.error.to_result())
        return result


class Failed(Exception):
    """A failure message for the user, with the CloudflareError that caused it, if one did."""

    def __init__(self, message, error=None):
        super().__init__(message)
        self.message = message
        self.error = error


def sentence(text):
    """``text`` ending with a full stop, so that another sentence can follow it."""
    return text if text.endswith(".") else text + "."
