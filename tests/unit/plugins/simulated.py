# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Cloudflare Lists simulator (tests/simulator) for the plugin tests, and how to read its request counters.

The tests talk to it over a real socket on 127.0.0.1; nothing in requests is patched.
"""

import socket

# Imported with this file, in the pytest process: ansible-test units runs each test in a fork of it, and a
# simulator imported by the first test that needs one would be imported again in every fork (50 ms each).
from ansible_collections.netedge.cloudflare.tests.simulator import cloudflare_sim
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import API_KEY, TOKEN, run_module

LISTS_ROUTE = "/client/v4/accounts/{account_id}/rules/lists"
LIST_ROUTE = LISTS_ROUTE + "/{list_id}"
ITEMS_ROUTE = LIST_ROUTE + "/items"
WRITE_METHODS = ("POST", "PUT", "DELETE", "PATCH")
READ_TOKEN = "read-only-token-0000"
# The rule modules' phase and routes (zone scope), and a cloudflare_rule task that blocks the addresses of the list
# blocked_ips (the rule_lists fixture of modules/conftest.py makes it).
WAF_PHASE = "http_request_firewall_custom"
RULESETS_ROUTE = "/client/v4/zones/{zone_id}/rulesets"
RULES_ROUTE = RULESETS_ROUTE + "/{ruleset_id}/rules"
RULE_ROUTE = RULES_ROUTE + "/{rule_id}"
BLOCK_TASK = dict(zone="example.com", ref="block_listed", expression="ip.src in $blocked_ips", action="block")


def new_simulator(**kwargs):
    """A simulator, not yet listening, whose edit token is helpers.TOKEN (so tests can look for it in output)."""
    kwargs.setdefault("tokens", {TOKEN: "edit", READ_TOKEN: "read"})
    kwargs.setdefault("seed", 7)
    return cloudflare_sim.Simulator(**kwargs)


def start_simulator(**kwargs):
    """A started new_simulator()."""
    return new_simulator(**kwargs).start()


def free_port():
    """A port on 127.0.0.1 where nothing listens (until someone binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def count(sim, method, route):
    """How many ``method`` requests the simulator saw on ``route`` (one of the *_ROUTE templates)."""
    return sim.get_counters()["routes"].get("%s %s" % (method, route), 0)


def writes(sim):
    """How many write requests (POST, PUT, DELETE, PATCH) reached the simulator, on any route."""
    return sum(n for key, n in sim.get_counters()["routes"].items() if key.split(" ", 1)[0] in WRITE_METHODS)


def module_args(sim, **extra):
    """Module arguments for the simulator's main account, with the edit token."""
    args = dict(account_id=sim.account_id, api_token=TOKEN, base_url=sim.url)
    args.update(extra)
    return args


def run_simulated(module, sim, check=False, diff=False, **params):
    """Run ``module`` against the simulator with module_args(sim, **params), in check and diff mode if asked.

    Its JSON result, with the exit code under ``_rc`` and the raw output under ``_raw``. Whatever
    happens, no token is printed and no traceback.
    """
    args = module_args(sim, **params)
    if check:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    result, raw, code = run_module(module, args)
    assert TOKEN not in raw and READ_TOKEN not in raw and API_KEY not in raw
    assert "Traceback" not in raw
    result["_rc"], result["_raw"] = code, raw
    return result
