# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a list item is: the checks a user sees, canonical forms and keys, and comparing with stored items."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_keys as _keys
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import items as _items


def normalized(kind, entries):
    wanted, problems = _items.normalize_items(kind, entries)
    assert problems == []
    return wanted


def only_problem(kind, entry):
    wanted, problems = _items.normalize_items(kind, [entry])
    assert len(problems) == 1, problems
    return problems[0]


def stored(kind, value, comment=None, **extra):
    item = {"id": "2c0fc9fa937b11eaa1b71c4d701ab86e", kind: value,
            "created_on": "2020-01-01T08:00:00Z", "modified_on": "2020-01-10T14:00:00Z"}
    if comment is not None:
        item["comment"] = comment
    item.update(extra)
    return item


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


# ---------------------------------------------------------------------------------------------
# Hostname items

@pytest.mark.parametrize("entry, item", [
    ("example.com", {"hostname": {"url_hostname": "example.com"}}),
    ("WWW.Example.COM", {"hostname": {"url_hostname": "www.example.com"}}),
    (" *.example.com\n", {"hostname": {"url_hostname": "*.example.com"}}),
    ("xn--bcher-kva.example", {"hostname": {"url_hostname": "xn--bcher-kva.example"}}),
    ("localhost", {"hostname": {"url_hostname": "localhost"}}),
    ("a-b.c0", {"hostname": {"url_hostname": "a-b.c0"}}),
    ("a" * 63 + ".com", {"hostname": {"url_hostname": "a" * 63 + ".com"}}),
    ({"url_hostname": "Example.com", "comment": "c"}, {"hostname": {"url_hostname": "example.com"}, "comment": "c"}),
    ({"hostname": "example.com"}, {"hostname": {"url_hostname": "example.com"}}),
    ({"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": False}},
     {"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": False}}),
    ({"hostname": {"url_hostname": "*.example.com"}, "exclude_exact_hostname": "YES"},
     {"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": True}}),
    ({"url_hostname": "*.example.com", "exclude_exact_hostname": True, "comment": None},
     {"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": True}}),
    ({"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": "no"}, "exclude_exact_hostname": False},
     {"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": False}}),
])
def test_hostname_forms(entry, item):
    wanted = normalized("hostname", [entry])
    key = item["hostname"]["url_hostname"]
    assert wanted == {key: item}
    assert _keys.item_key("hostname", item) == key


def test_hostname_of_253_characters_is_the_longest():
    name = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(name) == 253
    assert list(normalized("hostname", [name])) == [name]
    assert "longer than 253 characters." in only_problem("hostname", name + "b")


@pytest.mark.parametrize("entry, message", [
    ("b\u00fccher.example", "items[0] 'b\u00fccher.example': not ASCII: write an internationalised name in its punycode form, "
                            "xn--bcher-kva.example."),
    ("\u212a.example", "not ASCII"),
    ("\u2603" * 10 ** 6, "longer than 253 characters."),
    ("example.com.", "items[0] 'example.com.': a trailing dot is not accepted (write example.com)."),
    ("https://example.com", "a hostname only, without a scheme or path."),
    ("example.com/path", "a hostname only, without a scheme or path."),
    ("example.com:443", "a hostname only, without a port."),
    ("exa mple.com", "a hostname cannot contain spaces or control characters."),
    ("exa\x00mple.com", "a hostname cannot contain spaces or control characters."),
    ("-example.com", "labels are a-z, 0-9 and '-', and do not start or end with '-'."),
    ("example-.com", "labels are a-z, 0-9 and '-', and do not start or end with '-'."),
    ("under_score.example", "labels are a-z, 0-9 and '-'"),
    ("a..example", "an empty label (two dots in a row, or a dot at an end)."),
    (".example.com", "an empty label"),
    ("a" * 64 + ".com", "a label is longer than 63 characters."),
    ("*", "'*' is only accepted as a leading '*.' wildcard."),
    ("*.", "an empty label"),
    ("www.*.example.com", "'*' is only accepted as a leading '*.' wildcard."),
    ("*example.com", "'*' is only accepted as a leading '*.' wildcard."),
    ("*.*.example.com", "'*' is only accepted as a leading '*.' wildcard."),
    ("192.0.2.1", "its last label is all digits, like an IP address (those go in an ip list)."),
    ("www.example.123", "its last label is all digits"),
    ("", "empty entry"),
    (5, "items[0] 5: a hostname list item is a hostname as a string, or a mapping with 'url_hostname' or 'hostname', not an integer."),
    ({"url_hostname": "a.example", "hostname": "a.example"}, "items[0]: give the hostname once, as url_hostname or as hostname."),
    ({"comment": "x"}, "items[0]: no url_hostname (or hostname) field."),
    ({"hostname": 5}, "items[0].hostname 5: must be a string, not an integer."),
    ({"url_hostname": ["a.example"]}, "items[0].url_hostname (a list): must be a hostname as a string, not a list."),
    ({"hostname": {"url_hostname": "a.example", "x": 1}},
     "items[0].hostname: unknown key 'x' (a hostname list item takes url_hostname, exclude_exact_hostname)."),
    ({"url_hostname": "a.example", "exclude_exact_hostname": False},
     "items[0].url_hostname 'a.example': exclude_exact_hostname only applies to a wildcard hostname such as *.example.com."),
    ({"url_hostname": "*.a.example", "exclude_exact_hostname": "maybe"},
     "items[0].exclude_exact_hostname 'maybe': must be true or false, not a string."),
    ({"url_hostname": "*.a.example", "exclude_exact_hostname": 0}, "must be true or false, not an integer."),
    ({"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": True}, "exclude_exact_hostname": False},
     "items[0]: exclude_exact_hostname is set twice, to different values."),
    ({"ip": "192.0.2.1"}, "items[0]: 'ip' is a field of an ip list's items, and this is a hostname list"),
    ({"source_url": "a.example/x", "target_url": "https://b.example/"}, "'source_url' is a field of a redirect list's items"),
])
def test_hostname_problems(entry, message):
    assert message in only_problem("hostname", entry)


def test_hostname_duplicates_and_conflicts():
    wanted, problems = _items.normalize_items("hostname", [
        "*.Example.com", {"url_hostname": "*.example.com", "exclude_exact_hostname": False},
        {"hostname": {"url_hostname": "*.EXAMPLE.com", "exclude_exact_hostname": True}}])
    assert wanted == {"*.example.com": {"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": False}}}
    assert problems == ["items[2] '*.example.com': the same item as items[0], with a different exclude_exact_hostname "
                        "(True here, False there)."]


# ---------------------------------------------------------------------------------------------
# ASN items

@pytest.mark.parametrize("entry, key", [
    (13335, 13335), (0, 0), (4294967295, 4294967295), ("13335", 13335), ("AS13335", 13335), ("as13335", 13335),
    (" AS209242\n", 209242), ("000123", 123), ({"asn": 13335, "comment": "cf"}, 13335), ({"asn": "AS1"}, 1),
])
def test_asn_forms(entry, key):
    wanted = normalized("asn", [entry])
    assert list(wanted) == [key]
    assert wanted[key]["asn"] == key and wanted[key]["asn"].__class__ is int
    assert _keys.item_key("asn", wanted[key]) == key


@pytest.mark.parametrize("entry, message", [
    (-1, "items[0] -1: out of range: an ASN is a number from 0 to 4294967295 (32 bits)."),
    (4294967296, "items[0] 4294967296: out of range"),
    ("99999999999999999999", "out of range"),
    ("9" * 21, "not an ASN: write a number from 0 to 4294967295, or AS followed by one."),
    ("AS 13335", "not an ASN"),
    ("ASN13335", "not an ASN"),
    ("\u0661\u0662", "not an ASN"),
    ("13335.0", "not an ASN"),
    ("", "empty entry"),
    (True, "items[0] True: an asn list item is a number, text such as 'AS13335', or a mapping with 'asn', not a boolean."),
    (13335.0, "not a float."),
    (None, "not null."),
    ({"asn": True}, "items[0].asn True: must be a number, text such as 'AS13335', not a boolean."),
    ({"asn": 1.0}, "items[0].asn 1.0: must be a number, text such as 'AS13335', not a float."),
    ({"ip": "192.0.2.1"}, "items[0]: 'ip' is a field of an ip list's items, and this is an asn list (its items take a number, "
                          "text such as 'AS13335', or a mapping with 'asn')."),
])
def test_asn_problems(entry, message):
    assert message in only_problem("asn", entry)


def test_asn_duplicates():
    wanted, problems = _items.normalize_items("asn", [13335, "AS13335", {"asn": "13335", "comment": "cf"},
                                                      {"asn": 13335, "comment": "other"}])
    assert wanted == {13335: {"asn": 13335, "comment": "cf"}}
    assert problems == ["items[3] 13335: the same item as items[0], with a different comment ('other' here, 'cf' there)."]


# ---------------------------------------------------------------------------------------------
# Redirect items

REDIRECT = {"source_url": "example.com/a", "target_url": "https://b.example/"}


@pytest.mark.parametrize("entry, item", [
    (REDIRECT, {"redirect": REDIRECT}),
    ({"redirect": REDIRECT, "comment": "old page"}, {"redirect": REDIRECT, "comment": "old page"}),
    (dict(REDIRECT, status_code="302", include_subdomains="Yes", subpath_matching=False, preserve_query_string="FALSE",
          preserve_path_suffix=True, comment="c"),
     {"redirect": dict(REDIRECT, status_code=302, include_subdomains=True, subpath_matching=False, preserve_query_string=False,
                       preserve_path_suffix=True), "comment": "c"}),
    (dict(REDIRECT, status_code=None, include_subdomains=None), {"redirect": REDIRECT}),
    ({"redirect": dict(REDIRECT, status_code=308)}, {"redirect": dict(REDIRECT, status_code=308)}),
    ({"source_url": "Example.com/A", "target_url": "HTTP://b.example"},
     {"redirect": {"source_url": "Example.com/A", "target_url": "HTTP://b.example"}}),
    (dict(REDIRECT, target_url="https://b.example/?q=1"), {"redirect": dict(REDIRECT, target_url="https://b.example/?q=1")}),
])
def test_redirect_forms(entry, item):
    wanted = normalized("redirect", [entry])
    assert wanted == {item["redirect"]["source_url"]: item}
    assert _keys.item_key("redirect", item) == item["redirect"]["source_url"]


@pytest.mark.parametrize("entry, message", [
    ("example.com/a", "items[0] 'example.com/a': a redirect list item is a mapping with source_url and target_url, not a string."),
    (None, "not null."),
    ({"target_url": "https://b.example/"}, "items[0]: source_url is required."),
    ({"redirect": {"source_url": "a.example/"}}, "items[0].redirect: target_url is required."),
    ({"redirect": "a.example/"}, "items[0].redirect: must be a mapping with source_url and target_url, not a string."),
    (dict(REDIRECT, source_url="https://example.com/a"),
     "items[0].source_url 'https://example.com/a': must not include a scheme: write host and path, such as example.com/path."),
    (dict(REDIRECT, source_url="//example.com/a"), "must not include a scheme"),
    (dict(REDIRECT, source_url="/a"), "items[0].source_url '/a': must start with a hostname, such as example.com/path."),
    (dict(REDIRECT, source_url="example.com/a?x=1"), "must not include a query string or fragment"),
    (dict(REDIRECT, source_url="example.com/a#top"), "must not include a query string or fragment"),
    (dict(REDIRECT, source_url="example.com:8080/a"), "must not include a user name or port."),
    (dict(REDIRECT, source_url="example.com/a b"), "must not contain spaces or control characters."),
    (dict(REDIRECT, source_url=""), "items[0].source_url '': must not be empty."),
    (dict(REDIRECT, source_url="a.example/" + "x" * 40000), "longer than Cloudflare's limit of 32 KB."),
    (dict(REDIRECT, source_url=5), "items[0].source_url 5: must be a string, not an integer."),
    (dict(REDIRECT, target_url="b.example/x"), "items[0].target_url 'b.example/x': must be an absolute http:// or https:// URL"),
    (dict(REDIRECT, target_url="ftp://b.example/"), "must be an absolute http:// or https:// URL"),
    (dict(REDIRECT, target_url="https:///x"), "must be an absolute http:// or https:// URL"),
    (dict(REDIRECT, target_url="https://b.example/\n"), "must not contain spaces or control characters."),
    (dict(REDIRECT, status_code=303), "items[0].status_code 303: must be one of 301, 302, 307, 308."),
    (dict(REDIRECT, status_code="301 "), "must be one of 301, 302, 307, 308."),
    (dict(REDIRECT, status_code=True), "must be one of 301, 302, 307, 308."),
    (dict(REDIRECT, include_subdomains="maybe"), "items[0].include_subdomains 'maybe': must be true or false, not a string."),
    (dict(REDIRECT, subpath_matching=1), "items[0].subpath_matching 1: must be true or false, not an integer."),
    (dict(REDIRECT, preserve_path_suffix="true" * 1000), "must be true or false"),
    (dict(REDIRECT, preserve_query_string=True, target_url="https://b.example/?q=1"),
     "items[0].target_url: has a query string, which Cloudflare accepts only when preserve_query_string is false."),
    ({"redirect": REDIRECT, "target_url": "https://c.example/"}, "items[0]: unknown key 'target_url' (a redirect list item "
                                                                 "takes redirect, comment)."),
    ({"redirect": dict(REDIRECT, status=301)}, "items[0].redirect: unknown key 'status' (a redirect list item takes source_url"),
    (dict(REDIRECT, a=1, b=2, c=3, d=4), "items[0]: unknown keys 'a', 'b', 'c' and 1 more (a redirect list item takes"),
    ({"ip": "192.0.2.1"}, "items[0]: 'ip' is a field of an ip list's items, and this is a redirect list"),
    ({"url_hostname": "a.example"}, "items[0]: 'url_hostname' is a field of a hostname list's items, and this is a redirect list"),
])
def test_redirect_problems(entry, message):
    assert message in only_problem("redirect", entry)


def test_redirect_duplicates_merge_and_conflict_on_any_field():
    wanted, problems = _items.normalize_items("redirect", [
        REDIRECT, dict(REDIRECT, status_code=302), dict(REDIRECT, include_subdomains=True, comment="c"),
        {"redirect": dict(REDIRECT, status_code=301, target_url="https://c.example/", include_subdomains=False)}])
    assert wanted == {"example.com/a": {"redirect": dict(REDIRECT, status_code=302, include_subdomains=True), "comment": "c"}}
    assert problems == ["items[3] 'example.com/a': the same item as items[0], with a different target_url "
                        "('https://c.example/' here, 'https://b.example/' there) and a different status_code, include_subdomains."]


# ---------------------------------------------------------------------------------------------
# Any entry, any kind

@pytest.mark.parametrize("kind", _items.KINDS)
@pytest.mark.parametrize("entry", [None, True, 1.5, float("nan"), [], [[[]]], {}, b"x", bytearray(b"x"), object(), pytest.param(10 ** 5000, id="huge-int"),
                                   {None: 1}, {("a",): 1}, {1: "x"}, {"comment": {"a": [1]}},
                                   pytest.param({"comment": 10 ** 5000}, id="huge-int-comment"), "\x00" * 10 ** 6, set()])
def test_junk_is_a_problem_never_an_exception(kind, entry):
    wanted, problems = _items.normalize_items(kind, [entry])
    assert wanted == {} and problems
    assert all(isinstance(p, str) and p.startswith("items[0]") and len(p) <= 300 for p in problems)


def test_deeply_nested_junk():
    nested = []
    for _level in range(100000):
        nested = [nested]
    deep = {}
    for _level in range(100000):
        deep = {"ip": deep}
    for kind in _items.KINDS:
        assert _items.normalize_items(kind, [nested, {"redirect": deep}, deep])[1]
        assert _keys.item_key(kind, {kind: deep})


# ---------------------------------------------------------------------------------------------
# item_key and alias_keys on items as Cloudflare may store them

@pytest.mark.parametrize("entry, stored_value", [
    ("192.0.2.1", "192.0.2.1"),
    ("192.0.2.1", "192.0.2.1/32"),
    ("198.51.100.0/24", "198.51.100.0/24"),
    ("2001:db8::1", "2001:DB8::1"),
    ("2001:db8::1", "2001:db8:0:0:0:0:0:1"),
    ("2001:db8::1", "2001:db8::1/128"),
    ("2001:db8::/64", "2001:DB8:0::/64"),
])
def test_ip_key_of_stored_forms(entry, stored_value):
    key = list(normalized("ip", [entry]))[0]
    assert _keys.item_key("ip", stored("ip", stored_value, "from the dashboard")) == key


@pytest.mark.parametrize("stored_value, key", [
    ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ("::ffff:c000:201", "::ffff:192.0.2.1"),
    ("::FFFF:C000:201/128", "::ffff:192.0.2.1"),
    ("::ffff:0:0/96", "::ffff:0.0.0.0/96"),
    ("10.0.0.0/024", "10.0.0.0/24"),
])
def test_stored_ipv4_mapped_and_odd_forms_get_one_key_on_every_python(stored_value, key):
    assert _keys.item_key("ip", stored("ip", stored_value)) == key


@pytest.mark.parametrize("stored_value", ["10.0.0.0/33", "2001:db8::/129", "10.0.0.0/255.255.255.0", "10.0.0.0/", "10.0.0.0/x",
                                          "1.2.3.4.5", "1:2:3:4:5:6:7:8:9", "::1\x00", "\ud800"])
def test_stored_ips_that_are_not_ips(stored_value):
    assert _keys.item_key("ip", stored("ip", stored_value)).startswith("<unparsed> ")


def test_a_stored_cidr_with_host_bits_stays_distinct_from_its_network():
    assert _keys.item_key("ip", stored("ip", "10.0.0.1/24")) == "10.0.0.1/24"
    assert _keys.item_key("ip", stored("ip", "2001:DB8::1/64")) == "2001:db8::1/64"
    assert "10.0.0.0/24" in normalized("ip", ["10.0.0.0/24"])


def test_an_ipv6_address_may_be_stored_as_its_slash64():
    key = list(normalized("ip", ["2001:db8::abcd:1"]))[0]
    stored_key = _keys.item_key("ip", stored("ip", "2001:db8::/64"))
    assert stored_key != key
    assert _keys.alias_keys("ip", key) == (stored_key,) == ("2001:db8::/64",)


@pytest.mark.parametrize("kind, key", [
    ("ip", "192.0.2.1"), ("ip", "198.51.100.0/24"), ("ip", "2001:db8::/64"), ("ip", "2001:db8::/48"), ("asn", 13335),
    ("hostname", "example.com"), ("redirect", "example.com/a"), ("ip", "<unparsed> 0123"), ("ip", None), ("ip", 5),
])
def test_no_other_alias(kind, key):
    assert _keys.alias_keys(kind, key) == ()


@pytest.mark.parametrize("kind, item", [
    ("hostname", stored("hostname", {"url_hostname": "EXAMPLE.com"})),
    ("hostname", stored("hostname", {"url_hostname": "example.com", "exclude_exact_hostname": True})),
    ("hostname", stored("hostname", "Example.COM")),
    ("asn", stored("asn", 13335)),
    ("asn", stored("asn", "13335")),
    ("redirect", stored("redirect", dict(REDIRECT, status_code=301, include_subdomains=False))),
])
def test_keys_of_stored_items_of_other_kinds(kind, item):
    expected = {"hostname": "example.com", "asn": 13335, "redirect": "example.com/a"}[kind]
    assert _keys.item_key(kind, item) == expected


@pytest.mark.parametrize("kind, value", [
    ("ip", "10.0.0.300"), ("ip", None), ("ip", 5), ("ip", "010.0.0.1"), ("ip", "fe80::1%eth0"), ("ip", " 192.0.2.1"),
    ("ip", "x" * 10 ** 6), ("ip", {"ip": "192.0.2.1"}), ("asn", -1), ("asn", 2 ** 32), ("asn", True), ("asn", None),
    pytest.param("asn", 10 ** 5000, id="asn-huge-int"), ("asn", "AS x"), ("hostname", None), ("hostname", {"url_hostname": 5}), ("hostname", {}),
    ("redirect", None), ("redirect", {"target_url": "https://b.example/"}), ("redirect", "example.com/a"),
    ("redirect", {"source_url": None}),
])
def test_malformed_stored_items_get_keys_that_match_nothing(kind, value):
    key = _keys.item_key(kind, stored(kind, value))
    same_type = int if kind == "asn" else str
    assert key.__class__ is same_type
    assert key == _keys.item_key(kind, stored(kind, value))
    assert key != _keys.item_key(kind, stored(kind, value, "another"))
    if kind == "asn":
        assert key < 0
    else:
        assert key.startswith("<unparsed> ")


@pytest.mark.parametrize("kind", _items.KINDS)
@pytest.mark.parametrize("item", [None, [], "192.0.2.1", 5, {}, {"id": "x"}])
def test_items_that_are_not_mappings_get_keys(kind, item):
    assert isinstance(_keys.item_key(kind, item), int if kind == "asn" else str)
    assert isinstance(_items.describe(kind, item), str)
    assert _items.differences(kind, {kind: None, "comment": "c"}, item) == ["comment"]
    assert isinstance(_items.write_form(kind, item), dict)


def test_the_kelvin_sign_does_not_become_a_k():
    assert _keys.item_key("hostname", stored("hostname", {"url_hostname": "\u212a.example"})) != "k.example"


# ---------------------------------------------------------------------------------------------
# differences()

@pytest.mark.parametrize("kind, wanted, stored_item, expected", [
    ("ip", {"ip": "192.0.2.1"}, stored("ip", "192.0.2.1", "someone's note"), []),
    ("ip", {"ip": "192.0.2.1", "comment": "x"}, stored("ip", "192.0.2.1", "x"), []),
    ("ip", {"ip": "192.0.2.1", "comment": "x"}, stored("ip", "192.0.2.1", "y"), ["comment"]),
    ("ip", {"ip": "192.0.2.1", "comment": "x"}, stored("ip", "192.0.2.1"), ["comment"]),
    ("ip", {"ip": "192.0.2.1", "comment": ""}, stored("ip", "192.0.2.1"), []),
    ("ip", {"ip": "192.0.2.1", "comment": ""}, dict(stored("ip", "192.0.2.1"), comment=None), []),
    ("ip", {"ip": "192.0.2.1"}, stored("ip", "192.0.2.1/32"), []),
    ("ip", {"ip": "2001:db8::1"}, stored("ip", "2001:db8::/64"), []),
    ("asn", {"asn": 13335, "comment": "cf"}, stored("asn", 13335, "CF"), ["comment"]),
    ("hostname", {"hostname": {"url_hostname": "example.com"}}, stored("hostname", {"url_hostname": "EXAMPLE.com"}), []),
    ("hostname", {"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": True}},
     stored("hostname", {"url_hostname": "*.a.example"}), []),
    ("hostname", {"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": False}},
     stored("hostname", {"url_hostname": "*.a.example"}), ["exclude_exact_hostname"]),
    ("hostname", {"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": False}},
     stored("hostname", {"url_hostname": "*.a.example", "exclude_exact_hostname": False}), []),
    ("hostname", {"hostname": {"url_hostname": "*.a.example"}},
     stored("hostname", {"url_hostname": "*.a.example", "exclude_exact_hostname": False}), []),
    ("redirect", {"redirect": REDIRECT}, stored("redirect", dict(REDIRECT, status_code=302, include_subdomains=True)), []),
    ("redirect", {"redirect": dict(REDIRECT, status_code=301, subpath_matching=False)}, stored("redirect", REDIRECT), []),
    ("redirect", {"redirect": dict(REDIRECT, status_code=302, preserve_path_suffix=True, include_subdomains=False)},
     stored("redirect", dict(REDIRECT, status_code=301, include_subdomains=True, preserve_path_suffix=None)),
     ["include_subdomains", "preserve_path_suffix", "status_code"]),
    ("redirect", {"redirect": dict(REDIRECT, target_url="https://c.example/"), "comment": "new"},
     stored("redirect", REDIRECT, "old"), ["comment", "target_url"]),
    ("redirect", {"redirect": dict(REDIRECT, source_url="EXAMPLE.com/a")}, stored("redirect", REDIRECT), []),
    ("redirect", {"redirect": dict(REDIRECT, status_code=301)}, stored("redirect", "junk"), ["target_url"]),
])
def test_differences(kind, wanted, stored_item, expected):
    assert _items.differences(kind, wanted, stored_item) == expected


# ---------------------------------------------------------------------------------------------
# write_form()

@pytest.mark.parametrize("kind, stored_item, wanted, expected", [
    ("ip", stored("ip", "192.0.2.1", "keep me"), None, {"ip": "192.0.2.1", "comment": "keep me"}),
    ("ip", stored("ip", "192.0.2.1", "keep me"), {"ip": "192.0.2.1"}, {"ip": "192.0.2.1", "comment": "keep me"}),
    ("ip", stored("ip", "192.0.2.1", "old"), {"ip": "192.0.2.1", "comment": "new"}, {"ip": "192.0.2.1", "comment": "new"}),
    ("ip", stored("ip", "10.0.0.1/24"), None, {"ip": "10.0.0.1/24"}),
    ("ip", stored("ip", "2001:db8::/64"), {"ip": "2001:db8::1"}, {"ip": "2001:db8::1"}),
    ("ip", dict(stored("ip", "192.0.2.1"), comment=None, operation="x"), None, {"ip": "192.0.2.1"}),
    ("asn", stored("asn", 13335, ""), {"asn": 13335}, {"asn": 13335, "comment": ""}),
    ("hostname", stored("hostname", {"url_hostname": "*.a.example", "exclude_exact_hostname": True}, "c"),
     {"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": False}},
     {"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": False}, "comment": "c"}),
    ("hostname", stored("hostname", {"url_hostname": "*.a.example", "exclude_exact_hostname": False}),
     {"hostname": {"url_hostname": "*.a.example"}}, {"hostname": {"url_hostname": "*.a.example", "exclude_exact_hostname": False}}),
    ("redirect", stored("redirect", dict(REDIRECT, status_code=302, include_subdomains=True, subpath_matching=None), "c"),
     {"redirect": dict(REDIRECT, target_url="https://c.example/")},
     {"redirect": dict(REDIRECT, target_url="https://c.example/", status_code=302, include_subdomains=True), "comment": "c"}),
    ("redirect", stored("redirect", REDIRECT), None, {"redirect": REDIRECT}),
])
def test_write_form(kind, stored_item, wanted, expected):
    before = repr(stored_item), repr(wanted)
    assert _items.write_form(kind, stored_item, wanted) == expected
    assert (repr(stored_item), repr(wanted)) == before  # neither is changed


def test_write_form_shares_no_mutable_part():
    item = stored("redirect", dict(REDIRECT))
    wanted = {"redirect": dict(REDIRECT)}
    form = _items.write_form("redirect", item, wanted)
    form["redirect"]["status_code"] = 307
    assert "status_code" not in item["redirect"] and "status_code" not in wanted["redirect"]


# ---------------------------------------------------------------------------------------------
# describe()

@pytest.mark.parametrize("kind, item, line", [
    ("ip", {"ip": "192.0.2.1", "comment": "build agent"}, "192.0.2.1  # build agent"),
    ("ip", stored("ip", "198.51.100.0/24"), "198.51.100.0/24"),
    ("ip", {"ip": "192.0.2.1", "comment": ""}, "192.0.2.1"),
    ("ip", {"ip": "192.0.2.1", "comment": "line\nbreak"}, "192.0.2.1  # 'line\\nbreak'"),
    ("asn", {"asn": 13335, "comment": "Cloudflare"}, "AS13335  # Cloudflare"),
    ("hostname", {"hostname": {"url_hostname": "example.com"}}, "example.com"),
    ("hostname", {"hostname": {"url_hostname": "*.example.com", "exclude_exact_hostname": False}},
     "*.example.com (exclude_exact_hostname: false)"),
    ("redirect", {"redirect": {"source_url": "example.com/a", "target_url": "https://b.example/"}},
     "example.com/a -> https://b.example/ (301)"),
    ("redirect", stored("redirect", dict(REDIRECT, status_code=308, include_subdomains=True, subpath_matching=False,
                                         preserve_query_string=True), "moved"),
     "example.com/a -> https://b.example/ (308, include_subdomains, preserve_query_string)  # moved"),
    ("ip", {"ip": None}, "None"),
    ("ip", {"ip": "\u202e" + "x" * 500}, "'\\u202e" + "x" * 74 + "'..."),
    ("asn", {"asn": -1}, "-1"),
    ("hostname", {"hostname": None}, "None"),
    ("redirect", {"redirect": "x"}, "x"),
])
def test_describe(kind, item, line):
    assert _items.describe(kind, item) == line
