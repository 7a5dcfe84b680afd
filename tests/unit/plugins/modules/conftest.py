# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures every module test shares: no credential leaks in from the environment, and no real sleep (and conftest.py above: sim)."""

import pytest

from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import isolate


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, clock):
    """The module sees only the arguments a test gives it, and the client sleeps on the test's fake clock."""
    isolate(monkeypatch, clock)


@pytest.fixture
def rule_lists(sim):
    """The simulator ``sim`` with the lists the rule tests' expressions name: an ip list and a redirect list."""
    sim.create_list("blocked_ips", "ip")
    sim.create_list("redirects", "redirect")
    sim.reset_counters()
    return sim
