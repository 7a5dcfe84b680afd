# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure decision of cloudflare_list, and the checks of its options: no HTTP, no Ansible."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_state import check_list_options, decide
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.lookup import LIST_FIELDS

ACCOUNT = "0123456789abcdef0123456789abcdef"
FOUND = {"id": "a" * 32, "name": "blocked_ips", "kind": "ip", "description": "WAF", "num_items": 3,
         "num_referencing_filters": 0, "created_on": "2026-11-22T19:00:00Z", "modified_on": "2026-11-22T19:00:00Z"}


def decision(found, kind=None, description=None, state="present"):
    return decide(found, "blocked_ips", kind, description, state, ACCOUNT)


@pytest.mark.parametrize("found, kind, description, state, action", [
    (None, "ip", None, "present", "create"),
    (None, "ip", "WAF", "present", "create"),
    (FOUND, "ip", "WAF", "present", "none"),
    (FOUND, None, None, "present", "none"),          # nothing given to compare
    (FOUND, "ip", None, "present", "none"),          # description not given: not compared
    (FOUND, None, "other", "present", "update"),
    (FOUND, "ip", "", "present", "update"),          # "" clears it
    (dict(FOUND, description=None), "ip", "", "present", "none"),  # no description is ""
    (FOUND, None, None, "absent", "delete"),
    (FOUND, "ip", "ignored when deleting", "absent", "delete"),
    (None, None, None, "absent", "none"),
    (None, "hostname", None, "absent", "none"),
])
def test_action(found, kind, description, state, action):
    made = decision(found, kind, description, state)
    assert made.failure is None
    assert made.action == action


def test_create_predicts_the_new_list():
    made = decision(None, "hostname", "partners")
    assert sorted(made.after) == sorted(LIST_FIELDS)
    assert made.after["id"] is None and made.after["created_on"] is None
    assert (made.after["name"], made.after["kind"], made.after["description"], made.after["num_items"]) == (
        "blocked_ips", "hostname", "partners", 0)
    assert made.diff() == {"before": {}, "after": {"name": "blocked_ips", "kind": "hostname", "description": "partners",
                                                   "num_items": 0}}


def test_create_without_description_predicts_an_empty_one():
    assert decision(None, "ip").after["description"] == ""


def test_update_changes_only_the_description():
    made = decision(FOUND, "ip", "new text")
    assert made.after == dict(FOUND, description="new text")
    assert made.diff()["before"]["description"] == "WAF" and made.diff()["after"]["description"] == "new text"
    assert FOUND["description"] == "WAF"  # the list read is not changed in place


def test_delete_diff_shows_what_goes():
    assert decision(FOUND, state="absent").diff() == {
        "before": {"name": "blocked_ips", "kind": "ip", "description": "WAF", "num_items": 3}, "after": {}}


def test_nothing_to_do_has_the_same_before_and_after():
    made = decision(FOUND, "ip", "WAF")
    assert made.diff()["before"] == made.diff()["after"]


@pytest.mark.parametrize("state", ["present", "absent"])
def test_another_kind_fails_and_is_never_recreated(state):
    made = decision(FOUND, "hostname", "WAF", state)
    assert made.action == "none"
    assert made.failure == (
        "List 'blocked_ips' in account %s has kind ip, not hostname: Cloudflare cannot change the kind of a list. "
        "Use another name, or delete this list first (state: absent) if nothing uses it." % ACCOUNT)


def test_kind_is_needed_to_create():
    made = decision(None, None, "WAF")
    assert made.action == "none"
    assert made.failure == ("Creating list 'blocked_ips' in account %s: no list has that name yet, and kind is needed "
                            "to create one; set kind to one of ip, redirect, hostname, asn." % ACCOUNT)


def test_a_list_in_use_is_still_a_delete_decision():
    """Cloudflare decides whether a used list can go (the count may be stale); ensure() names the count."""
    assert decision(dict(FOUND, num_referencing_filters=2), state="absent").action == "delete"


@pytest.mark.parametrize("params, expected", [
    (dict(name="blocked_ips", kind="ip", description="x" * 500), []),
    (dict(name="blocked_ips"), []),
    (dict(name="Blocked-IPs"), ["name must be 1 to 50 lower-case letters, digits or underscores, as Cloudflare requires "
                                "(got 11 characters, with other characters)."]),
    (dict(name="x" * 51), ["name must be 1 to 50 lower-case letters, digits or underscores, as Cloudflare requires "
                           "(got 51 characters)."]),
    (dict(name="blocked_ips", kind="IP"), ["kind must be one of ip, redirect, hostname, asn (Cloudflare's list kinds, "
                                           "in lower case)."]),
    (dict(name="blocked_ips", description="x" * 501), ["description must be at most 500 characters, Cloudflare's limit "
                                                       "(got 501)."]),
])
def test_option_checks(params, expected):
    assert check_list_options(params) == expected


def test_all_problems_at_once():
    assert len(check_list_options(dict(name="", kind="cidr", description="x" * 600))) == 3
