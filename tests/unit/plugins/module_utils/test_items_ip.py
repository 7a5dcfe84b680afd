# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checking and normalising IP list items: canonical forms, the problems a user sees, duplicates and conflicts."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_keys as _keys
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import items as _items
from ansible_collections.netedge.cloudflare.tests.unit.plugins.module_utils.items_helpers import normalized, only_problem


# ---------------------------------------------------------------------------------------------
# IP items

@pytest.mark.parametrize("entry, key", [
    ("192.0.2.1", "192.0.2.1"),
    ("0.0.0.0", "0.0.0.0"),
    ("255.255.255.255", "255.255.255.255"),
    ("192.0.2.1/32", "192.0.2.1"),
    ("198.51.100.0/24", "198.51.100.0/24"),
    ("10.0.0.0/8", "10.0.0.0/8"),
    ("  192.0.2.7 \n", "192.0.2.7"),
    ("\t198.51.100.0/24\r\n", "198.51.100.0/24"),
    ("2001:DB8::1", "2001:db8::1"),
    ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
    ("2001:db8::1/128", "2001:db8::1"),
    ("2001:DB8:AB::/48", "2001:db8:ab::/48"),
    ("2001:db8::/64", "2001:db8::/64"),
    ("2000::/4", "2000::/4"),
    ("::1", "::1"),
    ("::102:304", "::102:304"),
    ("::1.2.3.4", "::102:304"),
    ("::", "::"),
    ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
    ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
    ("2001:db8::/32", "2001:db8::/32"),
    ({"ip": "192.0.2.1", "comment": "build agent"}, "192.0.2.1"),
    ({"ip": " 2001:DB8::/64 "}, "2001:db8::/64"),
])
def test_ip_canonical_forms(entry, key):
    wanted = normalized("ip", [entry])
    assert list(wanted) == [key]
    assert wanted[key]["ip"] == key
    assert _keys.item_key("ip", wanted[key]) == key


def test_ip_item_is_exactly_what_is_sent():
    wanted = normalized("ip", ["192.0.2.1", {"ip": "198.51.100.0/24", "comment": "x"}, {"ip": "192.0.2.9", "comment": None}])
    assert wanted == {"192.0.2.1": {"ip": "192.0.2.1"}, "198.51.100.0/24": {"ip": "198.51.100.0/24", "comment": "x"},
                      "192.0.2.9": {"ip": "192.0.2.9"}}


@pytest.mark.parametrize("entry, message", [
    ("10.0.0.300", "items[0] '10.0.0.300': not an IPv4 or IPv6 address or CIDR."),
    ("10.0.0", "items[0] '10.0.0': not an IPv4 or IPv6 address or CIDR."),
    ("example.com", "items[0] 'example.com': not an IPv4 or IPv6 address or CIDR."),
    ("192.0.2.1 # agent", "items[0] '192.0.2.1 # agent': not an IPv4 or IPv6 address or CIDR."),
    ("10.0.0.1/24", "items[0] '10.0.0.1/24': host bits set: write 10.0.0.0/24 for the network, or 10.0.0.1 for the address."),
    ("2001:db8::1/64", "items[0] '2001:db8::1/64': host bits set: write 2001:db8::/64 for the network, or 2001:db8::1 for the address."),
    ("10.0.0.0/7", "items[0] '10.0.0.0/7': Cloudflare accepts IPv4 CIDRs from /8 to /32 only."),
    ("0.0.0.0/0", "items[0] '0.0.0.0/0': Cloudflare accepts IPv4 CIDRs from /8 to /32 only."),
    ("10.0.0.0/33", "items[0] '10.0.0.0/33': Cloudflare accepts IPv4 CIDRs from /8 to /32 only."),
    ("::/3", "items[0] '::/3': Cloudflare accepts IPv6 CIDRs from /4 to /64 only."),
    ("2001:db8::/129", "items[0] '2001:db8::/129': Cloudflare accepts IPv6 CIDRs from /4 to /64 only."),
    ("2001:db8::/65", "items[0] '2001:db8::/65': Cloudflare limits IPv6 CIDRs to /64 at most (/4 to /64, or a single address); "
                      "a /65 cannot be listed."),
    ("2001:db8::/127", "items[0] '2001:db8::/127': Cloudflare limits IPv6 CIDRs to /64 at most"),
    ("010.0.0.1", "items[0] '010.0.0.1': an IPv4 address with leading zeros is ambiguous (octal or decimal)"),
    ("10.0.0.0/255.255.255.0", "items[0] '10.0.0.0/255.255.255.0': not an IPv4 or IPv6 address or CIDR: the prefix length"),
    ("10.0.0.0/", "the prefix length after '/' must be a number."),
    ("10.0.0.0/-8", "the prefix length after '/' must be a number."),
    ("10.0.0.0/\u0662\u0664", "the prefix length after '/' must be a number."),
    ("\u0661\u0660.0.0.1", "not an IPv4 or IPv6 address or CIDR."),
    ("fe80::1%eth0", "items[0] 'fe80::1%eth0': a scoped IPv6 address (with a %zone) cannot be listed."),
    ("::ffff:192.0.2.1", "items[0] '::ffff:192.0.2.1': an IPv4-mapped IPv6 address; write the IPv4 address 192.0.2.1."),
    ("", "items[0] '': empty entry (a blank line in a feed is refused rather than ignored)."),
    ("   \n", "items[0] '   \\n': empty entry"),
    ("# from the feed", "items[0] '# from the feed': a comment line: remove such lines from a feed"),
    (3232235777, "items[0] 3232235777: an ip list item is an address or CIDR as a string, or a mapping with 'ip', not an integer."),
    (None, "items[0] None: an ip list item is an address or CIDR as a string, or a mapping with 'ip', not null."),
    (True, "not a boolean."),
    (1.5, "not a float."),
    (["192.0.2.1"], "items[0] (a list): an ip list item is"),
    (b"192.0.2.1", "items[0] (bytes): an ip list item is"),
    ({"ip": 5}, "items[0].ip 5: must be an address or CIDR as a string, not an integer."),
    ({"ip": ["192.0.2.1"]}, "items[0].ip (a list): must be an address or CIDR as a string, not a list."),
    ({"ip": "10.0.0.256"}, "items[0].ip '10.0.0.256': not an IPv4 or IPv6 address or CIDR."),
    ({"comment": "x"}, "items[0]: no 'ip' field."),
    ({"ip": None}, "items[0]: no 'ip' field."),
    ({"ip": "192.0.2.1", "commnet": "x"}, "items[0]: unknown key 'commnet' (an ip list item takes ip, comment)."),
    ({"ip": "192.0.2.1", "comment": 5}, "items[0].comment: must be a string, not an integer."),
    ({"url_hostname": "example.com"}, "items[0]: 'url_hostname' is a field of a hostname list's items, and this is an ip list"),
    ({"asn": 13335, "comment": "x"}, "items[0]: 'asn' is a field of an asn list's items, and this is an ip list"),
])
def test_ip_problems(entry, message):
    assert message in only_problem("ip", entry)


def test_every_problem_of_every_entry_is_reported():
    wanted, problems = _items.normalize_items("ip", ["10.0.0.1/24", "192.0.2.1", {"ip": 5, "x": 1, "comment": []}, None])
    assert list(wanted) == ["192.0.2.1"]
    assert [problem.split(" ")[0].split(":")[0] for problem in problems] == [
        "items[0]", "items[2]", "items[2].comment", "items[2].ip", "items[3]"]


def test_problems_are_capped_with_a_count():
    wanted, problems = _items.normalize_items("ip", ["bad%d" % i for i in range(50)], max_problems=5)
    assert len(problems) == 6
    assert problems[4].startswith("items[4] 'bad4'")
    assert problems[5] == "... and 45 more problems."
    assert wanted == {}
    assert _items.normalize_items("ip", ["x"] * 3, max_problems=0)[1] == ["... and 3 more problems."]
    assert len(_items.normalize_items("ip", ["x"] * 100)[1]) == 21


@pytest.mark.parametrize("value, shown", [
    ("x" * 10 ** 7, "'" + "x" * 60 + "'..."),
    ("1" * 61, "'" + "1" * 60 + "'..."),
    ("\x00\x1b[31m" * 100, None),
    ("\U0001f600" * 100, None),
    ("\u202e\u200b" * 1000, None),
    ("caf\u00e9.example", "'caf\u00e9.example'"),
    ("a'b\"c", None),
    pytest.param(10 ** 5000, "(an integer of 16610 bits)", id="huge-int"),
])
def test_excerpts_are_short_escaped_and_never_the_whole_value(value, shown):
    problem = only_problem("ip", value)
    assert len(problem) < 200
    assert problem.isprintable()
    if shown is not None:
        assert shown in problem
    assert "\u202e" not in problem and "\x1b" not in problem


def test_duplicates_merge_into_the_first():
    wanted = normalized("ip", ["192.0.2.1", "192.0.2.1/32", {"ip": "192.0.2.1", "comment": "agent"}, "2001:DB8::1",
                               "2001:db8::1", "2001:db8:0::1/128", {"ip": "192.0.2.1", "comment": "agent"}])
    assert wanted == {"192.0.2.1": {"ip": "192.0.2.1", "comment": "agent"}, "2001:db8::1": {"ip": "2001:db8::1"}}
    assert list(wanted) == ["192.0.2.1", "2001:db8::1"]


def test_a_conflict_names_both_positions_and_values():
    wanted, problems = _items.normalize_items("ip", ["10.0.0.9", {"ip": "192.0.2.1", "comment": "a"}, "192.0.2.1/32",
                                                     {"ip": "192.0.2.1", "comment": "b"}])
    assert problems == ["items[3] '192.0.2.1': the same item as items[1], with a different comment ('b' here, 'a' there)."]
    assert wanted["192.0.2.1"]["comment"] == "a"


def test_conflicts_after_the_first_still_name_the_first_position():
    entries = [{"ip": "192.0.2.%d" % i, "comment": "a"} for i in range(5)] + ["10.0.0.1"]
    entries += [{"ip": "192.0.2.%d" % i, "comment": "b"} for i in range(5)]
    entries += [{"ip": "10.0.0.1", "comment": "x"}, {"ip": "10.0.0.1", "comment": "y"}]
    problems = _items.normalize_items("ip", entries)[1]
    assert [p.split(" with")[0] for p in problems] == [
        "items[%d] '192.0.2.%d': the same item as items[%d]," % (6 + i, i, i) for i in range(5)] + [
        "items[12] '10.0.0.1': the same item as items[5],"]


def test_conflicts_past_the_cap_are_counted():
    entries = [{"ip": "192.0.2.%d" % i, "comment": "a"} for i in range(30)]
    entries += [{"ip": "192.0.2.%d" % i, "comment": "b"} for i in range(30)]
    problems = _items.normalize_items("ip", entries, max_problems=3)[1]
    assert problems[-1] == "... and 27 more problems."
    assert problems[2].startswith("items[32] '192.0.2.2': the same item as items[2],")


@pytest.mark.parametrize("entries", [None, []])
def test_no_items(entries):
    assert _items.normalize_items("ip", entries) == ({}, [])


@pytest.mark.parametrize("entries, message", [
    ("192.0.2.1", "items must be a list, not a string."),
    ({"ip": "192.0.2.1"}, "items must be a list, not a mapping."),
    (5, "items must be a list, not an integer."),
])
def test_items_that_are_not_a_list(entries, message):
    assert _items.normalize_items("ip", entries) == ({}, [message])


def test_unknown_kind():
    assert _items.normalize_items("cidr", ["192.0.2.1"]) == ({}, ["unknown list kind 'cidr': it is one of ip, hostname, asn, redirect."])


def test_a_str_subclass_is_a_str():
    class Unsafe(str):
        pass
    assert normalized("ip", [Unsafe("192.0.2.1"), Unsafe("2001:DB8::1")]) == {
        "192.0.2.1": {"ip": "192.0.2.1"}, "2001:db8::1": {"ip": "2001:db8::1"}}
    assert list(normalized("ip", [Unsafe("192.0.2.1")]))[0].__class__ is str
