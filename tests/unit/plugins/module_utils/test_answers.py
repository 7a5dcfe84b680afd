# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a failed exchange is classified: never connected (a write may be sent again), a read that timed out, or a broken connection."""

import pytest
import requests
import urllib3

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.answers import never_connected, read_timed_out


def wrapped(inner):
    """A ConnectionError as requests raises it: urllib3's error as its argument, raised from it."""
    try:
        try:
            raise inner
        except urllib3.exceptions.HTTPError as exc:
            raise requests.exceptions.ConnectionError(exc) from exc
    except requests.exceptions.ConnectionError as outer:
        return outer


@pytest.mark.parametrize("inner, connected, timed_out", [
    (urllib3.exceptions.NewConnectionError(None, "[Errno 111] Connection refused"), False, False),
    (urllib3.exceptions.MaxRetryError(None, "/x", urllib3.exceptions.NewConnectionError(None, "refused")), False, False),
    (urllib3.exceptions.ConnectTimeoutError(None, "connect timed out"), False, False),
    (urllib3.exceptions.ReadTimeoutError(None, "/x", "Read timed out."), True, True),
    (urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")), True, False),
])
def test_classification(inner, connected, timed_out):
    exc = wrapped(inner)
    assert never_connected(exc) is not connected
    assert read_timed_out(exc) is timed_out
    bare = requests.exceptions.ConnectionError(inner)
    assert never_connected(bare) is not connected and read_timed_out(bare) is timed_out
