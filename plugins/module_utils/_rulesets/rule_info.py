# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What cloudflare_rule_info reads: the rules of a phase's entry point, in order, or the one with a ref.

The calls stay in scope.py and the scope is found as cloudflare_rule finds it (rule_task.py). A phase
without an entry point has no rules: that is an answer, not a failure. No AnsibleModule here.
Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rule_task import read_entrypoint, resolve_scope
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import REF_RE, check_scope_options
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.scope import summary
from ansible_collections.netedge.cloudflare.plugins.module_utils import _outcome
from ansible_collections.netedge.cloudflare.plugins.module_utils._outcome import Failed


def check_info_options(params):
    """Problems with zone, zone_id, phase and ref, found before any request."""
    problems = check_scope_options(params)
    ref = params.get("ref")
    if ref is not None and not REF_RE.fullmatch(ref):
        problems.append("ref must be 1 to 256 letters, digits or the characters _ . : @ - (got %d characters)." % len(ref))
    return problems


class Outcome(_outcome.Outcome):
    """The rules read and their ruleset, or why reading failed (``error`` is Cloudflare's)."""

    KEYS = ("rules", "ruleset")

    def __init__(self, rules=None, ruleset=None, failure=None, error=None):
        self.rules = rules if rules is not None else []
        self.ruleset = ruleset
        self.failure = failure
        self.error = error


def read_rules(client, params):
    """The rules of the phase's entry point, in order (only the one with ``params['ref']`` when it is set)."""
    try:
        scope = resolve_scope(client, params)
        ruleset = read_entrypoint(client, scope, params["phase"])
    except Failed as failed:
        return Outcome(failure=failed.message, error=failed.error)
    if ruleset is None:
        return Outcome()
    rules = ruleset["rules"]
    if params.get("ref") is not None:
        rules = [rule for rule in rules if rule.get("ref") == params["ref"]]
    return Outcome(rules, summary(ruleset))
