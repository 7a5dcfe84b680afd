# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Items as Cloudflare stores them: their keys and aliases, the differences from a wanted item, the form a
write sends back, and the line that describes one."""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_keys as _keys
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_compare as _compare
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import items as _items
from ansible_collections.netedge.cloudflare.tests.unit.plugins.module_utils.items_helpers import REDIRECT, normalized, stored


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
    assert isinstance(_compare.describe(kind, item), str)
    assert _compare.differences(kind, {kind: None, "comment": "c"}, item) == ["comment"]
    assert isinstance(_compare.write_form(kind, item), dict)


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
    assert _compare.differences(kind, wanted, stored_item) == expected


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
    assert _compare.write_form(kind, stored_item, wanted) == expected
    assert (repr(stored_item), repr(wanted)) == before  # neither is changed


def test_write_form_shares_no_mutable_part():
    item = stored("redirect", dict(REDIRECT))
    wanted = {"redirect": dict(REDIRECT)}
    form = _compare.write_form("redirect", item, wanted)
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
    assert _compare.describe(kind, item) == line
