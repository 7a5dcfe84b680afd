# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checking and normalising hostname, ASN and redirect list items; junk of any kind is a problem, never an exception."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_keys as _keys
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import items as _items
from ansible_collections.netedge.cloudflare.tests.unit.plugins.module_utils.items_helpers import REDIRECT, normalized, only_problem


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
