# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based tests of cloudflare_list_items, run as Ansible runs it, against the simulator.

* Any ``items`` (strings, mappings, wrong types, unicode, huge values, nested junk) ends in one JSON
  result, never a traceback; items refused as invalid never reach the simulator (no request at all).
* For random items held and wanted, any state, and a random variant of every behaviour Cloudflare
  leaves undocumented (plus, at random, another writer's pending operation or a connection reset
  after a write was sent), one run reaches the wanted items and a second run changes nothing.

The module's client and the simulator share one fake clock: no test waits for real.
"""

import ipaddress
import os

import pytest
from hypothesis import HealthCheck, event, example, given, settings, strategies as st

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_items as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import TOKEN, FakeClock, isolate, run_module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import ITEMS_ROUTE, count, module_args, new_simulator

# Bounded and derandomized like test_properties.py; NETEDGE_HYPOTHESIS_EXPLORE=1 draws twenty
# times as many examples, at random, to look for new failures.
EXPLORE = os.environ.get("NETEDGE_HYPOTHESIS_EXPLORE") == "1"
SCALE = 20 if EXPLORE else 1
FAST = settings(max_examples=150 * SCALE, deadline=None, database=None, derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture(scope="module")
def sim():
    """One simulator for every example (reset by each), sharing a fake clock with the module's client."""
    patcher = pytest.MonkeyPatch()
    clock = FakeClock()
    isolate(patcher, clock)
    simulator = new_simulator(clock=clock, op_duration=1.0).start()
    yield simulator
    simulator.stop()
    patcher.undo()


def run(sim, **params):  # pylint: disable=redefined-outer-name
    result, raw, code = run_module(module, module_args(sim, list_name="blocked", **params))
    assert "Traceback" not in raw and TOKEN not in raw
    assert code in (0, 1) and (code == 1) == bool(result.get("failed"))
    if code:
        assert isinstance(result["msg"], str) and result["msg"] and "Traceback" not in result["msg"]
    return result


def item_writes(sim):  # pylint: disable=redefined-outer-name
    return sum(count(sim, method, ITEMS_ROUTE) for method in WRITES)


# ---------------------------------------------------------------------------------------------
# Any items: a JSON result, and no request at all when they are refused

FIELDS = ["ip", "asn", "url_hostname", "hostname", "comment", "source_url", "target_url", "status_code",
          "redirect", "include_subdomains", "exclude_exact_hostname", "id", ""]
scalars = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["192.0.2.1", "10.0.0.1/24", "2001:DB8::1", "2001:db8::/65", "example.com", "*.example.net",
                     "AS13335", "", " ", "#comment", "192.0.2.01", "::ffff:192.0.2.1", "fe80::1%eth0", "\u0661.2.3.4",
                     "b\u00fccher.example", "ex\x00ample.com", "a" * 300, "1" * 5000]),
    st.integers(), st.integers(min_value=2 ** 64, max_value=2 ** 4000), st.floats(allow_nan=False), st.booleans(), st.none())
junk = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=4)), max_leaves=12)
valid = st.sampled_from(["192.0.2.1", "198.51.100.0/24", "2001:db8::/48", 13335, "AS64496", "example.com", "*.example.net",
                         {"ip": "192.0.2.9", "comment": "x"}, {"url_hostname": "example.org"},
                         {"source_url": "a.example/x", "target_url": "https://b.example/", "status_code": 302}])
entries = st.one_of(
    st.lists(st.one_of(scalars, junk, st.fixed_dictionaries({"ip": scalars}, optional={"comment": junk})), max_size=8),
    st.lists(valid, max_size=5))


@FAST
@given(items=entries, kind=st.sampled_from(["ip", "hostname", "asn", "redirect"]),
       state=st.sampled_from(["present", "absent", "exact"]))
@example(items=[{"ip": "192.0.2.1", "comment": {"nested": [1, 2, {"x": None}]}}], kind="ip", state="exact")
@example(items=["1" * 5000, 2 ** 4000, {"asn": 2 ** 40}], kind="asn", state="present")
@example(items=[{"redirect": {"source_url": "a.example/x", "target_url": "ftp://b"}, "comment": 3}], kind="redirect",
         state="exact")
@example(items=["\ud800", {"\u202e": "x"}], kind="hostname", state="absent")
def test_any_items_give_a_json_result_and_refused_items_no_request(sim, items, kind, state):  # pylint: disable=redefined-outer-name
    sim.reset()
    sim.create_list("blocked", kind)
    result = run(sim, items=items, state=state, max_removals=-1, allow_empty=True, _ansible_check_mode=True,
                 _ansible_diff=True)
    refused = result.get("msg", "").startswith("Invalid options: ")
    event("refused before any request" if refused else "failed after the lookup" if result.get("failed") else "planned")
    if refused:
        assert "items[" in result["msg"] and len(result["msg"]) < 8000
        assert sim.get_counters()["total"] == 0
    else:
        assert item_writes(sim) == 0
        assert not result.get("failed") or "whose kind is %r" % kind in result["msg"]


# ---------------------------------------------------------------------------------------------
# Any change under any variant: reached in one run, nothing left for a second

# Slots: one list item each, in the forms a task may name it and the forms it may be held in.
# IPv6 addresses are each in a /64 of their own, so no two slots are one item when Cloudflare
# keeps an address as its /64.
IP_SLOTS = [
    {"wanted": ["192.0.2.1", "192.0.2.1/32"], "held": ["192.0.2.1", "192.0.2.1/32"]},
    {"wanted": ["192.0.2.2"], "held": ["192.0.2.2"]},
    {"wanted": ["198.51.100.7"], "held": ["198.51.100.7"]},
    {"wanted": ["198.51.100.0/24"], "held": ["198.51.100.0/24"]},
    {"wanted": ["10.1.0.0/16"], "held": ["10.1.0.0/16", "10.1.0.5/16"]},
    {"wanted": ["203.0.113.128/25"], "held": ["203.0.113.128/25", "203.0.113.200/25"]},
    {"wanted": ["2001:db8:1::5", "2001:DB8:1:0::5"], "held": ["2001:db8:1::5"], "v6_address": True},
    {"wanted": ["2001:db8:2::/48"], "held": ["2001:db8:2::/48", "2001:db8:2::1/48"]},
    {"wanted": ["2001:db8:3::/64"], "held": ["2001:db8:3::/64"]},
]
OTHER_SLOTS = {
    "asn": [{"wanted": [13335, "AS13335"], "held": [13335]}, {"wanted": [64496], "held": [64496]},
            {"wanted": ["as64511"], "held": [64511]}, {"wanted": [0], "held": [0]}],
    "hostname": [{"wanted": ["example.com", "EXAMPLE.com"], "held": ["example.com"]},
                 {"wanted": ["*.example.net"], "held": ["*.example.net"]}, {"wanted": ["a-b.example"], "held": ["a-b.example"]}],
}
variants = st.fixed_dictionaries({
    "busy_writes": st.sampled_from(["reject", "queue"]),
    "busy_status": st.sampled_from([400, 429]),
    "duplicate_append": st.sampled_from(["refuse", "ignore", "update"]),
    "ipv4_host32": st.sampled_from(["address", "cidr"]),
    "ipv6_address": st.sampled_from(["address", "slash64", "refuse"]),
    "host_bits": st.sampled_from(["refuse", "network", "as_given"]),
    "max_write_items": st.sampled_from([None, None, 1, 2, 3]),
})
COMMENTS = [None, None, "scanner", "b\u00fcro", ""]


def has_host_bits(kind, value):
    if kind != "ip":
        return False
    interface = ipaddress.ip_interface(value)
    return interface.ip != interface.network.network_address


@st.composite
def scenarios(draw):
    variant = draw(variants)
    kind = draw(st.sampled_from(["ip", "ip", "ip", "asn", "hostname"]))
    slots = IP_SLOTS if kind == "ip" else OTHER_SLOTS[kind]
    if kind == "ip" and variant["ipv6_address"] == "refuse":
        slots = [slot for slot in slots if not slot.get("v6_address")]
    before = []
    for slot in draw(st.lists(st.sampled_from(slots), unique_by=id, min_size=1, max_size=len(slots))):
        # A held form with host bits exists only where Cloudflare keeps one.
        forms = [form for form in slot["held"] if variant["host_bits"] != "refuse" or not has_host_bits(kind, form)]
        before.append({kind: draw(st.sampled_from(forms)), "comment": draw(st.sampled_from(COMMENTS))})
    wanted = []
    for slot in draw(st.lists(st.sampled_from(slots), unique_by=id, max_size=len(slots))):
        value, comment = draw(st.sampled_from(slot["wanted"])), draw(st.sampled_from(COMMENTS))
        wanted.append(value if comment is None else {kind: value, "comment": comment})
    disturbance = draw(st.sampled_from([None, None, "other writer", "reset POST", "reset PUT", "reset DELETE"]))
    return variant, kind, before, wanted, draw(st.sampled_from(["present", "absent", "exact"])), disturbance


def seed(sim, kind, before):  # pylint: disable=redefined-outer-name
    items = [dict((key, value) for key, value in item.items() if value is not None) for item in before]
    if kind == "hostname":
        items = [dict(item, hostname={"url_hostname": item["hostname"]}) for item in items]
    return sim.create_list("blocked", kind, items=items)


def key_of(sim, kind, value):  # pylint: disable=redefined-outer-name
    """The simulator's identity of a value: the same item, whichever form it is written or held in."""
    from ansible_collections.netedge.cloudflare.tests.simulator.cfsim import items as sim_items  # pylint: disable=import-outside-toplevel
    if kind == "ip":
        return sim_items.normalize_ip(value, sim.config)[0]
    if kind == "asn":
        return int(str(value).lower().lstrip("as"))
    return (value["url_hostname"] if isinstance(value, dict) else value).lower()


def expected_keys(sim, kind, state, before, wanted):  # pylint: disable=redefined-outer-name
    held = set(key_of(sim, kind, item[kind]) for item in before)
    named = dict((key_of(sim, kind, entry[kind] if isinstance(entry, dict) else entry), entry) for entry in wanted)
    if state == "exact":
        return set(named), named
    if state == "present":
        return held | set(named), named
    return held - set(named), {}


@settings(FAST, max_examples=120 * SCALE)
@given(scenario=scenarios())
@example(scenario=({"busy_writes": "reject", "busy_status": 400, "duplicate_append": "refuse", "ipv4_host32": "address",
                    "ipv6_address": "address", "host_bits": "as_given", "max_write_items": None},
                   "ip", [{"ip": "10.1.0.5/16", "comment": None}, {"ip": "192.0.2.2", "comment": None}],
                   ["10.1.0.0/16", "192.0.2.2"], "exact", None))
@example(scenario=({"busy_writes": "reject", "busy_status": 400, "duplicate_append": "refuse", "ipv4_host32": "address",
                    "ipv6_address": "address", "host_bits": "refuse", "max_write_items": 1},
                   "ip", [{"ip": "192.0.2.1", "comment": None}, {"ip": "192.0.2.2", "comment": None}],
                   ["198.51.100.7", "198.51.100.0/24"], "exact", None))
@example(scenario=({"busy_writes": "queue", "busy_status": 429, "duplicate_append": "update", "ipv4_host32": "cidr",
                    "ipv6_address": "slash64", "host_bits": "network", "max_write_items": 1},
                   "ip", [{"ip": "192.0.2.1/32", "comment": "x"}, {"ip": "2001:db8:1::5", "comment": None}],
                   [], "exact", "other writer"))
def test_any_change_under_any_variant_is_reached_once_and_then_unchanged(sim, scenario):  # pylint: disable=redefined-outer-name
    variant, kind, before, wanted, state, disturbance = scenario
    sim.reset()
    sim.configure(**variant)
    lst = seed(sim, kind, before)
    held_before = sim.get_items(lst["id"])
    if disturbance == "other writer":
        sim.add_operation(duration=7)
    elif disturbance:
        sim.add_fault("reset", method=disturbance.split()[1], path="/items", after=True)
    params = dict(items=wanted, state=state, max_removals=-1, allow_empty=True)
    first = run(sim, **params)
    if first.get("failed") and variant["max_write_items"] and "cannot be split" in first["msg"]:
        # A replace that updates comments cannot be split; it was refused and changed nothing.
        event("replace too large: refused")
        assert first["counts"]["updated"] > 0 and sim.get_items(lst["id"]) == held_before
        return
    assert not first.get("failed"), first["msg"]
    keys, named = expected_keys(sim, kind, state, before, wanted)
    held = sim.get_items(lst["id"])
    assert sorted(map(str, (key_of(sim, kind, item[kind]) for item in held))) == sorted(map(str, keys))
    for item in held:
        entry = named.get(key_of(sim, kind, item[kind]))
        if isinstance(entry, dict) and entry.get("comment") is not None:
            assert (item.get("comment") or "") == entry["comment"]
    event("changed" if first["changed"] else "unchanged")
    sim.clear_faults()
    sim.reset_counters()
    second = run(sim, **params)
    assert not second.get("failed") and second["changed"] is False and second["steps"] == []
    assert item_writes(sim) == 0 and sim.get_items(lst["id"]) == held
