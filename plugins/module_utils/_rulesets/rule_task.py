# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cloudflare_rule run: from checked options to the result.

Find the scope (a zone by id or name, or the account), read the phase's entry point, decide
(plan.decide), check the lists the rule names, and, unless in check mode, carry the decision out
with the one call that touches this rule alone. When a write's answer is lost (``outcome_unknown``),
or Cloudflare refuses a new entry point because another tool made one meanwhile, the entry point is
read again, the rule looked up by its ref, and the decision made again: a change is never sent twice
blindly. No AnsibleModule here: the outcome is returned as data. Private to the collection.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, explain
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.lookup import get_lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.plan import DEFINING, decide, list_problems
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import find, used_lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.scope import (
    ZONE_READ_PERMISSIONS,
    Scope,
    add_rule,
    create_entrypoint,
    delete_rule,
    find_zone,
    get_entrypoint,
    shape_ruleset,
    summary,
    update_rule,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils import _outcome
from ansible_collections.netedge.cloudflare.plugins.module_utils._outcome import Failed, sentence

RERUN_HINT = "Run the task again: it reads the entry point first and finds the rule by its ref, so nothing is done twice."


class Outcome(_outcome.Outcome):
    """The rule and its ruleset, the diff, and why the task fails, if it does."""

    KEYS = ("rule", "ruleset")

    def __init__(self, changed=False, rule=None, ruleset=None, diff=None, failure=None, error=None, warnings=None):
        self.changed = changed
        self.rule = rule
        self.ruleset = ruleset
        self.diff = diff
        self.failure = failure
        self.error = error
        self.warnings = warnings or []


def resolve_scope(client, params):
    """The Scope of the task: the zone by id, the zone by name (one request), or the account. Raises Failed."""
    account_id = params["account_id"]
    if params.get("zone_id"):
        return Scope(account_id, zone_id=params["zone_id"].lower())
    name = params.get("zone")
    if not name:
        return Scope(account_id)
    doing = "Finding zone %s" % name
    try:
        zone = find_zone(client, name, account_id)
    except CloudflareError as err:
        raise Failed(explain(err, doing, permissions=ZONE_READ_PERMISSIONS, holder="the zone"), err)
    if zone is None:
        raise Failed("%s: no zone of that name is visible to these credentials. Check the name, or give zone_id; an API "
                     "token needs the 'Zone Read' permission for the zone to find it by name." % doing)
    return Scope(account_id, zone_id=zone["id"], zone_name=zone["name"])


def read_entrypoint(client, scope, phase):
    """The phase's entry point (or None). Raises Failed naming the permission a read needs."""
    try:
        return get_entrypoint(client, scope, phase)
    except CloudflareError as err:
        raise Failed(explain(err, "Reading %s" % scope.describe(phase), permissions=scope.permissions,
                             holder=scope.holder), err)


def _check_lists(client, params, decision):
    """None, or the failure message when lists that the rule names are missing (one read of the account's lists)."""
    needed = used_lists(params)
    if decision.action not in DEFINING or not needed:
        return None
    try:
        lists = get_lists(client, params["account_id"])
    except CloudflareError as err:
        raise Failed(explain(err, "Reading the lists of account %s to check the lists that rule '%s' uses"
                             % (params["account_id"], params["ref"])), err)
    return list_problems(needed, lists, params["ref"], params["account_id"])


def ensure(client, params, check_mode=False):
    """Read, decide and (unless ``check_mode``) act on the rule ``params['ref']``. Returns an Outcome."""
    phase = params["phase"]
    try:
        scope = resolve_scope(client, params)
        ruleset = read_entrypoint(client, scope, phase)
    except Failed as failed:
        return Outcome(failure=failed.message, error=failed.error)
    where = scope.describe(phase)
    decision = decide(ruleset, params, where)
    diff = decision.diff()
    if decision.failure:
        return Outcome(rule=decision.before, ruleset=summary(ruleset), diff=diff, failure=decision.failure)
    if not decision.changes:
        return Outcome(rule=decision.before, ruleset=summary(ruleset), diff=diff)
    try:
        problem = _check_lists(client, params, decision)
    except Failed as failed:
        return Outcome(rule=decision.before, ruleset=summary(ruleset), diff=diff, failure=failed.message, error=failed.error)
    if problem:
        return Outcome(rule=decision.before, ruleset=summary(ruleset), diff=diff, failure=problem)
    if check_mode:
        rule = decision.before if decision.action == "delete" else decision.after
        return Outcome(True, rule, summary(ruleset), diff)
    try:
        answer, changed, warning = _apply(client, scope, params, decision, ruleset, where)
    except Failed as failed:
        return Outcome(rule=decision.before, ruleset=summary(ruleset), diff=diff, failure=failed.message, error=failed.error)
    rule = decision.before
    if decision.action != "delete" and answer is not None:
        index = find(answer["rules"], params["ref"])
        rule = answer["rules"][index] if index is not None else decision.after
    return Outcome(changed, rule, summary(answer), diff, warnings=[warning] if warning else [])


def _doing(decision, params, where):
    ref = params["ref"]
    rule_id = (decision.before or {}).get("id")
    if decision.action == "create_entrypoint":
        return "Creating %s with rule '%s'" % (where, ref)
    if decision.action == "add":
        return "Adding rule '%s' to %s" % (ref, where)
    if decision.action == "delete":
        return "Deleting rule '%s' (%s) from %s" % (ref, rule_id, where)
    moving = " and moving it" if decision.position is not None else ""
    if decision.action == "move":
        return "Moving rule '%s' (%s) in %s" % (ref, rule_id, where)
    return "Updating rule '%s' (%s) in %s%s" % (ref, rule_id, where, moving)


def _send(client, scope, params, decision, ruleset):
    """Carry out one decision with one write; the ruleset of the answer (None when a delete answers none)."""
    if decision.action == "create_entrypoint":
        return create_entrypoint(client, scope, params["phase"], decision.definition)
    if decision.action == "add":
        return add_rule(client, scope, ruleset["id"], decision.definition, decision.position)
    rule_id = decision.before["id"]
    if decision.action == "delete":
        answer = delete_rule(client, scope, ruleset["id"], rule_id)
        try:
            return shape_ruleset(answer, "deleting a rule")
        except CloudflareError:
            # The rule is deleted: an answer without the ruleset takes nothing from that.
            return None
    return update_rule(client, scope, ruleset["id"], rule_id, decision.definition, decision.position)


def _done(decision):
    return {"create_entrypoint": "added with a new entry point", "add": "added", "update": "updated",
            "move": "moved", "delete": "deleted"}[decision.action]


def _apply(client, scope, params, decision, ruleset, where):
    """Send the decision; on a lost answer, a lost race or a stale read, read again, decide again, send once more at most.

    Returns ``(ruleset answered or read, changed, warning or None)``; raises Failed with the message to show.
    """
    doing = _doing(decision, params, where)
    try:
        return _send(client, scope, params, decision, ruleset), True, None
    except CloudflareError as err:
        # Cloudflare refuses a second entry point: another tool may have made one since the read.
        raced = decision.action == "create_entrypoint" and err.status is not None and 400 <= err.status < 500
        # Not found: another tool deleted the rule, or the whole entry point, since the read.
        stale = decision.action != "create_entrypoint" and err.status == 404
        if not (err.outcome_unknown or raced or stale):
            raise Failed(explain(err, doing, write=True, permissions=scope.permissions, holder=scope.holder), err)
        first = err
    try:
        now = get_entrypoint(client, scope, params["phase"])
    except CloudflareError as err:
        raise Failed("%s: %s. Cloudflare may have made the change, and reading the entry point again failed too (%s). %s"
                     % (doing, first.summary(), err.summary(), RERUN_HINT), err)
    if raced and not first.outcome_unknown and now is None:
        raise Failed(explain(first, doing, write=True, permissions=scope.permissions, holder=scope.holder), first)
    again = decide(now, params, where)
    if again.failure:
        raise Failed(again.failure)
    if not again.changes:
        if not first.outcome_unknown:
            return now, False, None
        return now, True, ("%s: the answer was lost (%s); the entry point, read again, shows the change made, so it was "
                           "not sent again." % (doing, first.summary()))
    redo = _doing(again, params, where)
    try:
        answer = _send(client, scope, params, again, now)
    except CloudflareError as err:
        message = explain(err, redo, write=True, permissions=scope.permissions, holder=scope.holder)
        if err.outcome_unknown:
            message = "%s Cloudflare may have made the change. %s" % (sentence(message), RERUN_HINT)
        raise Failed(message, err)
    if first.outcome_unknown:
        warning = ("%s: the answer was lost (%s); the entry point, read again, showed the change not made, so it was "
                   "sent once more." % (doing, first.summary()))
    elif stale:
        warning = ("%s: Cloudflare did not find it (%s), as another tool changed the entry point meanwhile; read again, "
                   "the rule was %s." % (doing, first.summary(), _done(again)))
    else:
        warning = ("%s: Cloudflare refused it (%s), as another tool made the entry point meanwhile; rule '%s' was added "
                   "to that entry point beside its rules, which were left as they are." % (doing, first.summary(), params["ref"]))
    return answer, True, warning
