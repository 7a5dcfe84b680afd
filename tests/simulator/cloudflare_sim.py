# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Cloudflare Rules Lists and Rulesets API simulator for tests and demos (Python standard library only).

It answers on 127.0.0.1 under ``/client/v4`` the way Cloudflare's API does: the same paths,
envelope, authentication answers, asynchronous bulk operations (one at a time per account,
applied when they complete), limits, and the faults seen in the wild (429 and 5xx answers in
JSON or HTML, resets, slow and truncated answers).  Admin endpoints under ``/__sim/`` steer it.
Behaviours Cloudflare leaves undocumented are settings, each defaulting to its stricter variant.

The code lives in the ``cfsim`` package beside this file; this module is its entry point:

- as a script: ``python tests/simulator/cloudflare_sim.py --port 0 --lifetime 600 --state-file F``
  (see ``cfsim.cli``);
- as a module: ``from ansible_collections.netedge.cloudflare.tests.simulator.cloudflare_sim import Simulator``,
  or loaded from this file's path.  Every public name of the package can be taken from here.
"""

import os
import sys

if __package__:
    from .cfsim import admin, api, cli, common, core, faults, items, ruleset_store, rulesets, rulesets_api, server, settings, state, zones
else:  # run as a script (its folder is on sys.path) or loaded from its file path
    _HERE = os.path.dirname(os.path.abspath(__file__))
    if _HERE not in sys.path:
        sys.path.insert(0, _HERE)
    from cfsim import (admin, api, cli, common, core, faults, items, ruleset_store, rulesets, rulesets_api,  # pylint: disable=import-error
                       server, settings, state, zones)

MODULES = (common, settings, items, state, faults, zones, rulesets, ruleset_store, rulesets_api, api, admin, server, core, cli)

Simulator = core.Simulator
ApiError = common.ApiError
OperationFailed = common.OperationFailed
DEFAULT_ACCOUNT_ID = common.DEFAULT_ACCOUNT_ID
DEFAULT_EDIT_TOKEN = common.DEFAULT_EDIT_TOKEN
DEFAULT_READ_TOKEN = common.DEFAULT_READ_TOKEN
DEFAULT_EMAIL = common.DEFAULT_EMAIL
DEFAULT_API_KEY = common.DEFAULT_API_KEY
DEFAULT_ZONE_ID = zones.DEFAULT_ZONE_ID
DEFAULT_ZONE_NAME = zones.DEFAULT_ZONE_NAME
PHASES = rulesets.PHASES
ACTIONS = rulesets.ACTIONS
API_PREFIX = common.API_PREFIX
ADMIN_PREFIX = common.ADMIN_PREFIX
KINDS = common.KINDS
CONFIG_KEYS = settings.CONFIG_KEYS
DEFAULTS = settings.DEFAULTS
CHOICES = settings.CHOICES
BUSY_WRITES = settings.BUSY_WRITES
FAULT_KINDS = faults.FAULT_KINDS
main = cli.main
parse_args = cli.parse_args


def __getattr__(name):
    """Any other public name of the package's modules (``normalize_ip``, ``E_BUSY``, ``SimHandler``...)."""
    if not name.startswith("_"):
        for module in MODULES:
            if name in vars(module):
                return vars(module)[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    sys.exit(main())
