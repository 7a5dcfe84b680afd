# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import FakeClock
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import ScriptedServer


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def raw_server():
    """A server for faults an HTTP library cannot make: put answers (resets, silence) in its queue."""
    server = ScriptedServer()
    yield server
    server.close()
