# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rule modules' input checks and the small pure helpers of rules.py: lists named, comparison, places."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rule_info import check_info_options
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import (
    PHASES,
    check_rule_options,
    covers,
    expression_lists,
    in_place,
    placed,
    used_lists,
)


def params(**given):
    base = dict(zone=None, zone_id=None, phase="http_request_firewall_custom", ref="mine", state="present",
                action="block", expression="ip.src in $blocked_ips", description=None, action_parameters=None,
                enabled=True, position=None, before=None, after=None)
    base.update(given)
    return base


def test_good_options_have_no_problem():
    assert check_rule_options(params()) == []
    assert check_rule_options(params(zone="Example.COM", before="other")) == []
    assert check_rule_options(params(zone_id="023e105f4ecef8ad9ca31a8372d0c353", position="first")) == []


def test_every_problem_is_reported_at_once():
    problems = check_rule_options(params(zone="example.com", zone_id="nothex", phase="http_made_up", ref="my rule",
                                         position="first", before="x", after="mine", expression=None, action="Block!"))
    assert problems == [
        "zone and zone_id are mutually exclusive: give the zone's name or its id (or neither for the account's rules).",
        "zone_id must be the 32-character hexadecimal zone ID shown on the zone's overview page (got 6 characters).",
        "phase must be one of %s." % ", ".join(PHASES),
        "ref must be 1 to 256 letters, digits or the characters _ . : @ - (got 7 characters).",
        "position and before and after are mutually exclusive: give at most one place for the rule.",
        "expression is required with state: present.",
        "action must be one of Cloudflare's action names, lower-case, such as block, managed_challenge, skip or redirect.",
    ]


def test_the_rule_itself_is_no_place():
    assert check_rule_options(params(before="mine")) == ["before names the rule itself (mine); give the ref of another rule."]


@pytest.mark.parametrize("zone", ["localhost", "-bad.example", "a..b", "x" * 64 + ".com", "exa mple.com", "example.com."])
def test_zone_names_must_be_dns_names(zone):
    assert check_rule_options(params(zone=zone)) == ["zone must be a domain name such as example.com (got %d characters)."
                                                     % len(zone)]


def test_absent_needs_only_the_ref():
    assert check_rule_options(params(state="absent", expression=None, action=None, before="mine")) == []
    assert check_rule_options(params(state="absent", ref="")) != []


def test_list_names_in_the_expression_and_from_list_are_checked():
    problems = check_rule_options(params(expression="ip.src in $Blocked or ip.src in $cf.open_proxies",
                                         action="redirect", action_parameters={"from_list": {"name": "Bad-Name"}}))
    assert len(problems) == 2
    assert problems[0].startswith("the list $Blocked named in expression must be 1 to 50 lower-case letters")
    assert problems[1].startswith("action_parameters.from_list.name must be 1 to 50 lower-case letters")
    assert check_rule_options(params(action_parameters={"from_list": "redirects"})) == [
        "action_parameters.from_list must be a dictionary with the name of a redirect list (and key)."]


def test_info_checks_the_scope_and_ref_only():
    assert check_info_options(dict(zone=None, zone_id=None, phase="http_request_redirect", ref=None)) == []
    assert check_info_options(dict(zone="bad", zone_id=None, phase="nope", ref="a b")) == [
        "zone must be a domain name such as example.com (got 3 characters).",
        "phase must be one of %s." % ", ".join(PHASES),
        "ref must be 1 to 256 letters, digits or the characters _ . : @ - (got 3 characters).",
    ]


def test_expression_lists_skip_managed_lists_strings_and_repeats():
    expression = 'ip.src in $blocked_ips or (http.host in $partners and http.user_agent eq "$not_a_list") ' \
                 'or ip.src in $cf.open_proxies or ip.src in $blocked_ips'
    assert expression_lists(expression) == ["blocked_ips", "partners"]


def test_from_list_needs_a_redirect_list():
    given = params(expression="http.request.full_uri in $redirects",
                   action_parameters={"from_list": {"name": "redirects", "key": "http.request.full_uri"}})
    assert used_lists(given) == [("redirects", "redirect")]


@pytest.mark.parametrize("held, want, expected", [
    ({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": 2}}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    ({"a": [1, 2]}, {"a": [1]}, False),
    (True, 1, False),
    (0, False, False),
    (301, 301.0, True),
    (None, {}, False),
    ("x", "x", True),
])
def test_covers(held, want, expected):
    assert covers(held, want) is expected


def test_places_before_and_after_mean_anywhere_before_or_after():
    rules = [{"ref": r, "id": r} for r in ("mine", "x", "other")]
    assert in_place(rules, 0, ("before", "other")) and not in_place(rules, 0, ("after", "other"))
    assert in_place(rules, 0, ("first", None)) and not in_place(rules, 0, ("last", None))
    assert in_place(rules, 0, None)


def test_placed_puts_the_rule_right_next_to_the_other():
    rules = [{"ref": r} for r in ("a", "mine", "b", "c")]
    moved = placed(rules, 1, ("after", "c"), rules[1])
    assert [r["ref"] for r in moved] == ["a", "b", "c", "mine"]
    assert [r["ref"] for r in placed(rules, 1, ("before", "a"), rules[1])] == ["mine", "a", "b", "c"]
    assert [r["ref"] for r in placed(rules, None, None, {"ref": "new"})][-1] == "new"
