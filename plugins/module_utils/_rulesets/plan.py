# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What cloudflare_rule decides about its one rule: pure, from the entry point as it is and the task.

``decide`` chooses one action (create the entry point with the rule, add it, update it, move it,
delete it, nothing) or a failure. The same decision gives the diff, the check-mode result and the
real run, so ``--check --diff`` shows exactly what a real run does. No request, no AnsibleModule.
Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import (
    DIFF_FIELDS,
    differences,
    find,
    in_place,
    new_definition,
    placed,
    position_body,
    wanted,
    wanted_place,
)

# How many refs of other rules a failure lists before it says "and N more".
REFS_SHOWN = 10
# Actions that send the rule's definition, and so need the lists it names to exist.
DEFINING = ("create_entrypoint", "add", "update")
LIST_HINT = "netedge.cloudflare.cloudflare_list"


class Decision:
    """One action and what it sends, with the rule before and after; or a ``failure``.

    ``definition`` is the rule body to send (create, add, update), ``position`` the position object
    (rule ids) of an add or a move, ``places`` the rule's place (1-based) before and after a move or add.
    """

    def __init__(self, action, before=None, after=None, definition=None, position=None, places=None, failure=None):
        self.action = action
        self.before = before
        self.after = after
        self.definition = definition
        self.position = position
        self.places = places
        self.failure = failure

    @property
    def changes(self):
        return self.action != "none" and not self.failure

    def diff(self):
        """Ansible's diff: the rule's fields before and after ({} where there is no rule), and its place if it moves."""
        before, after = _view(self.before), _view(self.after)
        if self.places is not None:
            if self.places[0] is not None:
                before["position"] = self.places[0]
            after["position"] = self.places[1]
        return {"before": before, "after": after}


def _view(rule):
    if rule is None:
        return {}
    return dict((field, rule[field]) for field in DIFF_FIELDS if field in rule)


def _refs(rules):
    refs = ["'%s'" % rule.get("ref") for rule in rules[:REFS_SHOWN]]
    if len(rules) > REFS_SHOWN:
        refs.append("and %d more" % (len(rules) - REFS_SHOWN))
    return ", ".join(refs)


def _missing_other(ruleset, params, place, where):
    rules = ruleset["rules"] if ruleset else []
    if ruleset is None:
        there = "there is no entry point yet, so no rule at all"
    elif not rules:
        there = "it has no rules"
    else:
        there = "its rules have the refs %s" % _refs(rules)
    return ("Placing rule '%s' %s rule '%s' in %s: no rule has the ref '%s' there (%s). Check %s, or add that rule "
            "first." % (params["ref"], place[0], place[1], where, place[1], there, place[0]))


def decide(ruleset, params, where):
    """What to do about the rule with ``params['ref']`` in ``ruleset`` (the entry point, or None). Pure.

    Only the fields the task sets are compared (see rules.differences); an existing rule is moved only
    when it is not where the task asks (see rules.in_place). ``where`` names the entry point in messages.
    """
    rules = ruleset["rules"] if ruleset else []
    index = find(rules, params["ref"])
    found = rules[index] if index is not None else None
    if params["state"] == "absent":
        return Decision("none") if found is None else Decision("delete", before=found)
    place = wanted_place(params)
    if place is not None and place[0] in ("before", "after") and find(rules, place[1]) is None:
        return Decision("none", found, found, failure=_missing_other(ruleset, params, place, where))
    fields = wanted(params)
    if found is None:
        after = dict(id=None, version=None, description="")
        after.update(fields)
        order = placed(rules, None, place, after)
        if ruleset is None:
            return Decision("create_entrypoint", None, after, definition=fields, places=(None, 1))
        position = position_body(rules, place) if place is not None else None
        return Decision("add", None, after, definition=fields, position=position, places=(None, _place_of(order, after)))
    changed_fields = differences(found, fields)
    moves = not in_place(rules, index, place)
    if not changed_fields and not moves:
        return Decision("none", found, found)
    after = dict(found)
    if changed_fields:
        after.update(fields)
    definition = new_definition(found, fields) if changed_fields else None
    if not moves:
        return Decision("update", found, after, definition=definition)
    order = placed(rules, index, place, after)
    return Decision("update" if changed_fields else "move", found, after, definition=definition,
                    position=position_body(rules, place), places=(index + 1, _place_of(order, after)))


def _place_of(order, rule):
    """The 1-based place of this very rule object in ``order``."""
    return next(number for number, other in enumerate(order, 1) if other is rule)


def list_problems(needed, lists, ref, account_id):
    """The failure message when lists that the rule names are missing or of the wrong kind, else None. Pure.

    ``needed`` is rules.used_lists(params); ``lists`` the account's lists (lookup.get_lists).
    """
    by_name = dict((lst["name"], lst) for lst in lists)
    missing = [name for name, _kind in needed if name not in by_name]
    wrong = [(name, kind) for name, kind in needed if name in by_name and kind and by_name[name].get("kind") != kind]
    if not missing and not wrong:
        return None
    parts = []
    if missing:
        parts.append("%s not in account %s. Create %s first with %s (name and kind), then run the task again"
                     % (_names(missing), account_id, "it" if len(missing) == 1 else "each", LIST_HINT))
    for name, kind in wrong:
        parts.append("action_parameters.from_list names list '%s', of kind %s; a Bulk Redirect rule needs a list of "
                     "kind %s" % (name, by_name[name].get("kind"), kind))
    return "Rule '%s' uses lists that it cannot use: %s." % (ref, ". ".join(parts))


def _names(names):
    quoted = ["'%s'" % name for name in names]
    if len(quoted) == 1:
        return "list %s is" % quoted[0]
    return "lists %s and %s are" % (", ".join(quoted[:-1]), quoted[-1])
