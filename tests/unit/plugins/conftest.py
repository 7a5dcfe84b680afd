# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ENV_VARS, NETWORK_VARS, FakeClock, isolate
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import ScriptedServer
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import new_simulator


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def raw_server():
    """A server for faults an HTTP library cannot make: put answers (resets, silence) in its queue."""
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def real_time_env(monkeypatch):
    """No credential or setting from the environment: the module sees only the test's arguments."""
    isolate(monkeypatch)


@pytest.fixture
def module_env(monkeypatch, clock):
    """real_time_env, and the client sleeps on the test's fake clock (no real sleep)."""
    isolate(monkeypatch, clock)


@pytest.fixture
def network_env(monkeypatch, clock):
    """module_env, and no CA bundle or proxy from the environment either."""
    isolate(monkeypatch, clock, ENV_VARS + NETWORK_VARS)


@pytest.fixture
def sim_options():
    """The options of the simulator ``sim``; a test file overrides this fixture to change them."""
    return {}


@pytest.fixture
def sim(clock, sim_options):
    """The simulator on 127.0.0.1, on the test's fake clock: its operations progress only when the module sleeps."""
    simulator = new_simulator(clock=clock, **sim_options).start()
    yield simulator
    simulator.stop()
