# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures every module test shares: no credential leaks in from the environment, no real sleep, a simulator."""

import pytest

from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import isolate
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import new_simulator


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, clock):
    """The module sees only the arguments a test gives it, and the client sleeps on the test's fake clock."""
    isolate(monkeypatch, clock)


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
