# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What cloudflare_list does with one list: decide, then act.

``decide`` is pure: from the list as it is (or None) and the options, it chooses one action
(create, update the description, delete, nothing) or a failure. The same decision gives the
diff and the check-mode result, so ``--check --diff`` shows exactly what a real run does.
``ensure`` reads the list, decides, and carries the action out through the one client. When a
write's answer is lost (``outcome_unknown``), it reads the list again before sending anything
more, so no change is ever made twice. No AnsibleModule here: the outcome is returned as data.
Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, explain
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.lookup import (
    KINDS,
    LIST_FIELDS,
    create_list,
    delete_list,
    find_list,
    get_list,
    update_description,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils._options import check_list_name
from ansible_collections.netedge.cloudflare.plugins.module_utils import _outcome
from ansible_collections.netedge.cloudflare.plugins.module_utils._outcome import Failed, sentence

# The longest description Cloudflare accepts (maxLength of lists_description in its OpenAPI document).
DESCRIPTION_MAX = 500
# Cloudflare's answer to deleting a list that rules still use: 10031 filters.api.ip_list_in_use.
LIST_IN_USE_CODE = 10031
# The fields a diff shows: what a reviewer needs to judge a change to a list.
DIFF_FIELDS = ("name", "kind", "description", "num_items")

RERUN_HINT = "Run the task again: it reads the list first, so nothing is done twice."
IN_USE_HINT = ("Remove the list from those rules (WAF custom rules, Bulk Redirect rules) first: "
               "netedge.cloudflare.cloudflare_rule with state: absent deletes a rule by its ref. "
               "Then run the task again.")


def check_list_options(params):
    """Problems with name, kind and description, found before any request."""
    problems = check_list_name(params.get("name"))
    if params.get("kind") is not None and params["kind"] not in KINDS:
        problems.append("kind must be one of %s (Cloudflare's list kinds, in lower case)." % ", ".join(KINDS))
    description = params.get("description")
    if description is not None and len(description) > DESCRIPTION_MAX:
        problems.append("description must be at most %d characters, Cloudflare's limit (got %d)."
                        % (DESCRIPTION_MAX, len(description)))
    return problems


class Decision:
    """One action (``create``, ``update``, ``delete``, ``none``) or a ``failure``, with the list before and after."""

    def __init__(self, action, before=None, after=None, failure=None):
        self.action = action
        self.before = before
        self.after = after
        self.failure = failure

    def diff(self):
        """Ansible's diff: the list's reviewable fields before and after ({} where there is no list)."""
        return {"before": _diff_view(self.before), "after": _diff_view(self.after)}


def _diff_view(lst):
    if lst is None:
        return {}
    return dict((field, lst.get(field)) for field in DIFF_FIELDS)


def _where(name, account_id):
    return "list '%s' in account %s" % (name, account_id)


def _wrong_kind(found, kind, account_id):
    return ("List '%s' in account %s has kind %s, not %s: Cloudflare cannot change the kind of a list. Use another "
            "name, or delete this list first (state: absent) if nothing uses it."
            % (found["name"], account_id, found.get("kind"), kind))


def decide(found, name, kind, description, state, account_id):
    """What to do about list ``name``, given ``found`` (the list, or None). Pure: no request, no clock.

    ``kind`` and ``description`` are compared only when given (not None). A list of another kind
    is a failure, never a silent re-creation: deleting it would pull it out of every rule that uses it.
    """
    if state == "absent":
        if found is None:
            return Decision("none")
        if kind is not None and found.get("kind") != kind:
            return Decision("none", found, found, failure=_wrong_kind(found, kind, account_id))
        return Decision("delete", found, None)
    if found is None:
        if kind is None:
            return Decision("none", failure=(
                "Creating %s: no list has that name yet, and kind is needed to create one; set kind to one of %s."
                % (_where(name, account_id), ", ".join(KINDS))))
        after = dict((field, None) for field in LIST_FIELDS)
        after.update(name=name, kind=kind, description=description or "", num_items=0, num_referencing_filters=0)
        return Decision("create", None, after)
    if kind is not None and found.get("kind") != kind:
        return Decision("none", found, found, failure=_wrong_kind(found, kind, account_id))
    if description is not None and description != (found.get("description") or ""):
        after = dict(found)
        after["description"] = description
        return Decision("update", found, after)
    return Decision("none", found, found)


class Outcome(_outcome.Outcome):
    """The list (before a delete, after any other change), the diff, and why the task fails, if it does."""

    KEYS = ("list",)

    def __init__(self, changed=False, lst=None, diff=None, failure=None, error=None, warnings=None):
        self.changed = changed
        self.list = lst
        self.diff = diff
        self.failure = failure
        self.error = error
        self.warnings = warnings or []


def _write(doing, send, reread, settled):
    """``send()``, and when its answer is lost, read again and send once more only if nothing was done.

    Returns ``(result, warning)``: the result of a send, or of ``reread()`` when that shows the change
    made; the warning says what was recovered, if anything. Raises Failed with the message to show.
    """
    try:
        return send(), None
    except CloudflareError as err:
        if not err.outcome_unknown:
            raise Failed(explain(err, doing, write=True), err)
        lost = err
    try:
        now = reread()
    except CloudflareError as err:
        raise Failed("%s: %s. Cloudflare may have made the change, and reading the list again failed too (%s). %s"
                     % (doing, lost.summary(), err.summary(), RERUN_HINT), err)
    if settled(now):
        return now, ("%s: the answer was lost (%s); the list, read again, shows the change made, so it was not sent again."
                     % (doing, lost.summary()))
    try:
        result = send()
    except CloudflareError as err:
        message = explain(err, doing, write=True)
        if err.outcome_unknown:
            message = "%s Cloudflare may have made the change. %s" % (sentence(message), RERUN_HINT)
        raise Failed(message, err)
    return result, ("%s: the answer was lost (%s); the list, read again, showed no change, so it was sent once more."
                    % (doing, lost.summary()))


def ensure(client, params, check_mode=False, want_diff=False):
    """Read the list named ``params['name']``, decide, and (unless ``check_mode``) act. Returns an Outcome."""
    account_id, name = params["account_id"], params["name"]
    try:
        found = find_list(client, account_id, name=name)
    except CloudflareError as err:
        return Outcome(failure=explain(err, "Reading the lists of account %s to find list '%s'" % (account_id, name)),
                       error=err)
    decision = decide(found, name, params.get("kind"), params.get("description"), params["state"], account_id)
    diff = decision.diff() if want_diff else None
    if decision.failure:
        return Outcome(lst=found, diff=diff, failure=decision.failure)
    if decision.action == "none":
        return Outcome(lst=found, diff=diff)
    if check_mode:
        in_use = (found.get("num_referencing_filters") or 0) if found else 0
        if decision.action == "delete" and in_use:
            return Outcome(lst=found, diff=diff, failure=(
                "Deleting %s (%s): %s, and Cloudflare refuses to delete a list in use (%d filters.api.ip_list_in_use). %s"
                % (_where(name, account_id), found["id"], _used_by(in_use), LIST_IN_USE_CODE, IN_USE_HINT)))
        return Outcome(True, decision.after if decision.action != "delete" else found, diff)
    try:
        lst, warning = _act(client, params, decision, found)
    except Failed as failed:
        return Outcome(lst=found, diff=diff, failure=failed.message, error=failed.error)
    return Outcome(True, lst, diff, warnings=[warning] if warning else [])


def _used_by(count):
    return "it is used by %d rule%s (num_referencing_filters)" % (count, "" if count == 1 else "s")


def _act(client, params, decision, found):
    """Carry out a create, update or delete decision. Returns ``(list, warning)``; raises Failed."""
    account_id, name = params["account_id"], params["name"]
    if decision.action == "create":
        kind, description = params["kind"], params.get("description")
        created, warning = _write(
            "Creating %s" % _where(name, account_id),
            send=lambda: create_list(client, account_id, name, kind, description),
            reread=lambda: find_list(client, account_id, name=name),
            settled=lambda now: now is not None)
        if created.get("kind") != kind:
            raise Failed(_wrong_kind(created, kind, account_id))
        return created, warning
    list_id = found["id"]
    if decision.action == "update":
        description = params["description"]
        return _write(
            "Updating the description of %s (%s)" % (_where(name, account_id), list_id),
            send=lambda: update_description(client, account_id, list_id, description),
            reread=lambda: get_list(client, account_id, list_id),
            settled=lambda now: now is not None and (now.get("description") or "") == description)
    doing = "Deleting %s (%s)" % (_where(name, account_id), list_id)
    try:
        _gone, warning = _write(
            doing,
            send=lambda: delete_list(client, account_id, list_id),
            reread=lambda: get_list(client, account_id, list_id),
            settled=lambda now: now is None)
    except Failed as failed:
        if failed.error is not None and LIST_IN_USE_CODE in failed.error.codes():
            count = found.get("num_referencing_filters") or 0
            used = _used_by(count) if count else "Cloudflare says rules still use it"
            raise Failed("%s %s. %s" % (sentence(failed.message), used[0].upper() + used[1:], IN_USE_HINT), failed.error)
        raise
    return found, warning
