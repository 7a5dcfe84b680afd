# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based tests of _items: whatever a task or Cloudflare gives, no exception and short problems.

* Any JSON-like entries, for any kind, give (wanted, problems) with every problem a short line.
* Every wanted item keys to its own key, and normalising the wanted items again gives the same items.
* A valid address, CIDR, hostname or ASN, written any way a user or Cloudflare may write it, gets one key.
* item_key, alias_keys, differences, write_form and describe never raise on any stored item.
"""

import ipaddress
import os

from hypothesis import HealthCheck, example, given, settings, strategies as st

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_keys as _keys
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_compare as _compare
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import items as _items

# The house settings (see tests/unit/plugins/test_properties.py): derandomized and bounded, no
# example database in the tree; NETEDGE_HYPOTHESIS_EXPLORE=1 draws twenty times as many, at random.
EXPLORE = os.environ.get("NETEDGE_HYPOTHESIS_EXPLORE") == "1"
SCALE = 20 if EXPLORE else 1
FAST = settings(max_examples=150 * SCALE, deadline=None, database=None, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow])

MAX_PROBLEM = 300
FIELDS = ["ip", "asn", "hostname", "url_hostname", "exclude_exact_hostname", "redirect", "comment"] + list(_items.REDIRECT_FIELDS)

huge_text = st.builds(lambda char, size: char * size, st.characters(), st.sampled_from([61, 300, 10 ** 5, 10 ** 6]))
texts = st.one_of(st.text(max_size=40), huge_text, st.sampled_from(
    ["", " ", "\n", "#", "192.0.2.1", "2001:DB8::1", "10.0.0.1/24", "AS13335", "*.example.com", "example.com/a",
     "https://b.example/", "true", "no", "302", "\u212a", "\x00", "\ud800", "\u202e"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2 ** 40), max_value=2 ** 40),
                    st.builds(pow, st.just(10), st.just(5000)), st.floats(), texts)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)),
                                                                      children, max_size=5),
    max_leaves=20)
entries_of_any_shape = st.lists(json_values, max_size=12)
kinds = st.sampled_from(_items.KINDS)


def assert_clean_problems(problems):
    for problem in problems:
        assert isinstance(problem, str)
        assert len(problem) <= MAX_PROBLEM, problem
        assert "\n" not in problem and "\r" not in problem


def assert_self_consistent(kind, wanted):
    """Each wanted item keys to its own key; normalising the items again gives them back, key for key."""
    for key, item in wanted.items():
        assert _keys.item_key(kind, item) == key
        assert _compare.differences(kind, item, item) == []
        assert _compare.write_form(kind, item, item) == item
        assert isinstance(_compare.describe(kind, item), str)
    again, problems = _items.normalize_items(kind, list(wanted.values()))
    assert problems == []
    assert again == wanted
    # The bare values too, where a kind has them: the same keys, in the same order.
    if kind in ("ip", "asn", "hostname"):
        values = [item[kind]["url_hostname"] if kind == "hostname" else item[kind] for item in wanted.values()]
        assert list(_items.normalize_items(kind, values)[0]) == list(wanted)


@FAST
@given(kind=kinds, entries=entries_of_any_shape)
@example(kind="ip", entries=[{"ip": "192.0.2.1", "comment": "a"}, "192.0.2.1/32", {"ip": "192.0.2.1", "comment": "b"}])
@example(kind="redirect", entries=[{"source_url": "a.example/x", "target_url": "https://b.example/", "status_code": "302"}])
@example(kind="hostname", entries=[{"hostname": {"url_hostname": "*.A.example", "exclude_exact_hostname": "No"}}])
@example(kind="asn", entries=[" as13335 ", 13335, {"asn": "13335", "comment": "x" * 10 ** 6}])
def test_any_entries_give_wanted_items_and_short_problems(kind, entries):
    wanted, problems = _items.normalize_items(kind, entries)
    assert isinstance(wanted, dict)
    assert_clean_problems(problems)
    assert len(problems) <= 21
    if not problems:
        assert_self_consistent(kind, wanted)


@FAST
@given(kind=kinds, entries=st.lists(st.one_of(json_values, st.sampled_from(["192.0.2.1", 13335, "example.com"])), max_size=30),
       max_problems=st.integers(0, 5))
def test_the_problem_count_is_exact(kind, entries, max_problems):
    capped = _items.normalize_items(kind, entries, max_problems=max_problems)[1]
    everything = _items.normalize_items(kind, entries, max_problems=10 ** 6)[1]
    if len(everything) <= max_problems:
        assert capped == everything
    else:
        assert capped == everything[:max_problems] + ["... and %d more problems." % (len(everything) - max_problems)]


# ---------------------------------------------------------------------------------------------
# Valid values, written the ways a user or Cloudflare may write them

ipv4_networks = st.builds(lambda address, length: ipaddress.ip_network((address, length), strict=False),
                          st.ip_addresses(v=4), st.integers(8, 32))
ipv6_networks = st.builds(lambda address, length: ipaddress.ip_network((address, length), strict=False),
                          st.ip_addresses(v=6).filter(lambda address: address.ipv4_mapped is None),
                          st.one_of(st.integers(4, 64), st.just(128)))


def spellings(network):
    """Texts of one network that a user may write (all valid)."""
    address = network.network_address
    full = network.prefixlen == network.max_prefixlen
    forms = [str(network), " %s\n" % network, str(network).upper(), "%s/%d" % (address.exploded, network.prefixlen)]
    if full:
        forms += [str(address), address.exploded.upper()]
    return forms


def stored_forms(network):
    """Texts of one network as Cloudflare might store it."""
    address = network.network_address
    forms = [str(network), str(network).upper(), address.exploded + "/%d" % network.prefixlen]
    if network.prefixlen == network.max_prefixlen:
        forms += [str(address), address.exploded]
    return forms


@FAST
@given(network=st.one_of(ipv4_networks, ipv6_networks), pick=st.data())
@example(network=ipaddress.ip_network("192.0.2.1/32"), pick=None)
@example(network=ipaddress.ip_network("2001:db8::1/128"), pick=None)
@example(network=ipaddress.ip_network("::/4"), pick=None)
def test_valid_ips_round_trip(network, pick):
    keys = set()
    for text in spellings(network):
        wanted, problems = _items.normalize_items("ip", [text])
        assert problems == [], text
        keys |= set(wanted)
    assert len(keys) == 1
    key = keys.pop()
    # The same text as ipaddress writes (mapped addresses, whose text changed in Python 3.13, are not drawn).
    assert key == (str(network.network_address) if network.prefixlen == network.max_prefixlen else str(network))
    for text in stored_forms(network):
        assert _keys.item_key("ip", {"id": "x", "ip": text, "created_on": "t"}) == key, text
    if network.version == 6 and network.prefixlen == 128:
        assert _keys.alias_keys("ip", key) == (str(ipaddress.ip_network((network.network_address, 64), strict=False)),)
    else:
        assert _keys.alias_keys("ip", key) == ()
    if pick is not None:
        comment = pick.draw(st.one_of(st.none(), st.text(max_size=20)))
        entry = {"ip": pick.draw(st.sampled_from(spellings(network))), "comment": comment}
        assert_self_consistent("ip", _items.normalize_items("ip", [entry])[0])


@FAST
@given(address=st.ip_addresses(v=4), length=st.integers(8, 31))
def test_host_bits_are_refused_and_stored_host_bits_stay_distinct(address, length):
    network = ipaddress.ip_network((address, length), strict=False)
    text = "%s/%d" % (address, length)
    problems = _items.normalize_items("ip", [text])[1]
    if network.network_address == address:
        assert problems == []
    else:
        assert problems == ["items[0] '%s': host bits set: write %s for the network, or %s for the address." % (text, network, address)]
        assert _keys.item_key("ip", {"ip": text}) == text != str(network)


labels = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\Z")
# The last label is never all digits: no top-level domain is (RFC 3696), and such a name is an IP address.
last_labels = labels.filter(lambda label: not label.isdigit())
hostnames = st.builds(lambda wildcard, parts, last: ("*." if wildcard else "") + ".".join(parts + [last]),
                      st.booleans(), st.lists(labels, min_size=0, max_size=3), last_labels)


@FAST
@given(host=hostnames, upper=st.booleans(), exclude=st.one_of(st.none(), st.booleans()), comment=st.one_of(st.none(), st.text(max_size=20)))
def test_valid_hostnames_round_trip(host, upper, exclude, comment):
    written = host.upper() if upper else host
    entry = {"hostname": {"url_hostname": written}, "comment": comment}
    if exclude is not None:
        entry["hostname"]["exclude_exact_hostname"] = exclude
    wanted, problems = _items.normalize_items("hostname", [entry])
    if exclude is not None and not host.startswith("*."):
        assert len(problems) == 1 and "only applies to a wildcard" in problems[0]
        return
    assert problems == [] and list(wanted) == [host]
    assert _keys.item_key("hostname", {"id": "x", "hostname": {"url_hostname": written, "exclude_exact_hostname": True}}) == host
    assert_self_consistent("hostname", wanted)


@FAST
@given(asn=st.integers(0, 4294967295), form=st.sampled_from(["%d", "AS%d", "as%d", " %d\n", "As%d"]))
def test_valid_asns_round_trip(asn, form):
    wanted, problems = _items.normalize_items("asn", [form % asn, asn])
    assert problems == [] and list(wanted) == [asn]
    assert _keys.item_key("asn", {"id": "x", "asn": asn}) == asn
    assert_self_consistent("asn", wanted)


redirects = st.fixed_dictionaries(
    {"source_url": st.builds(lambda host, path: host + path, hostnames.filter(lambda h: "*" not in h), st.from_regex(r"\A(/[a-z0-9._~-]{0,8}){0,3}\Z")),
     "target_url": st.builds(lambda scheme, host, rest: "%s://%s%s" % (scheme, host, rest), st.sampled_from(["http", "https", "HTTPS"]),
                             hostnames.filter(lambda h: "*" not in h), st.from_regex(r"\A(/[a-z0-9]{0,5}){0,2}\Z"))},
    optional={"status_code": st.sampled_from([301, 302, 307, 308, "301", "308", None]),
              "include_subdomains": st.sampled_from([True, False, "yes", "No", "TRUE", None]),
              "subpath_matching": st.booleans(), "preserve_query_string": st.booleans(), "preserve_path_suffix": st.booleans()})


@FAST
@given(fields=redirects, nested=st.booleans(), comment=st.one_of(st.none(), st.text(max_size=20)))
def test_valid_redirects_round_trip(fields, nested, comment):
    entry = {"redirect": fields, "comment": comment} if nested else dict(fields, comment=comment)
    wanted, problems = _items.normalize_items("redirect", [entry])
    assert problems == [] and list(wanted) == [fields["source_url"]]
    assert_self_consistent("redirect", wanted)
    item = wanted[fields["source_url"]]
    # As Cloudflare stores it: every field present, with its defaults where the task set none.
    full = dict(_items.DEFAULTS["redirect"], **item["redirect"])
    stored = {"id": "x", "redirect": full, "comment": item.get("comment", "someone's")}
    assert _keys.item_key("redirect", stored) == fields["source_url"]
    assert _compare.differences("redirect", item, stored) == []


# ---------------------------------------------------------------------------------------------
# Stored items of any shape

stored_items = st.one_of(
    json_values,
    st.builds(lambda kind_value, extra: dict(extra, id="0" * 32, created_on="t", modified_on="t", **kind_value),
              st.dictionaries(kinds, json_values, max_size=2),
              st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3)))


@FAST
@given(kind=kinds, stored=stored_items, entries=st.lists(st.sampled_from(
    ["192.0.2.1", "2001:db8::1", 13335, "example.com", "*.example.com",
     {"source_url": "example.com/a", "target_url": "https://b.example/", "status_code": 302, "include_subdomains": True},
     {"url_hostname": "*.example.com", "exclude_exact_hostname": False, "comment": "c"},
     {"ip": "198.51.100.0/24", "comment": "c"}]), max_size=3))
@example(kind="asn", stored={"asn": 10 ** 5000}, entries=[13335])
@example(kind="ip", stored={"ip": "\ud800"}, entries=["192.0.2.1"])
def test_any_stored_item_is_keyed_compared_and_shown_without_error(kind, stored, entries):
    key = _keys.item_key(kind, stored)
    hash(key)
    assert isinstance(key, int if kind == "asn" else str)
    assert key == _keys.item_key(kind, stored)
    assert isinstance(_keys.alias_keys(kind, key), tuple)
    line = _compare.describe(kind, stored)
    assert isinstance(line, str) and "\n" not in line and len(line) <= 400
    assert isinstance(_compare.write_form(kind, stored), dict)
    for wanted_item in _items.normalize_items(kind, entries)[0].values():
        changed = _compare.differences(kind, wanted_item, stored)
        assert changed == sorted(changed)
        form = _compare.write_form(kind, stored, wanted_item)
        # Every field the task sets is in what is written.
        for field, value in wanted_item.items():
            if isinstance(value, dict):
                assert all(form[field][name] == inner for name, inner in value.items())
            else:
                assert form[field] == value
