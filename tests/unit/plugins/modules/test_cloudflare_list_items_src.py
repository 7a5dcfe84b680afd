# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_list_items with src (a feed file), as the module runs it: arguments in, one JSON result out,
against the simulator. The action plugin's part (finding the file, sending it, naming it in messages as
the task did) is tested through ansible-playbook in the cloudflare_list_items_src integration target;
here src is the path of the copy it passes.
"""

import pytest

from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_items as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import TOKEN, run_module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.simulated import module_args, new_simulator, writes

FEED = (b"# Spamhaus DROP List 2026/12/06 - (c) 2026 The Spamhaus Project\r\n"
        b"; Last-Modified: Sun, 06 Dec 2026 09:00:00 GMT\r\n"
        b"\r\n"
        b"1.10.16.0/20 ; SBL256894\r\n"
        b"192.0.2.1   # scanner\r\n"
        b"// partner ranges\r\n"
        b"2001:DB8::/48\r\n")
FEED_ITEMS = ["1.10.16.0/20", "192.0.2.1", "2001:db8::/48"]


@pytest.fixture
def sim(clock):
    simulator = new_simulator(clock=clock, op_duration=1.0).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def feed(tmp_path):
    def write(data, name="blocklist.txt"):
        (tmp_path / "feeds").mkdir(exist_ok=True)
        path = tmp_path / "feeds" / name
        path.write_bytes(data)
        return str(path)
    return write


def run(sim, **extra):
    extra.setdefault("list_name", "blocked")
    result, raw, code = run_module(module, module_args(sim, **extra))
    result["_rc"] = code
    assert "Traceback" not in raw and TOKEN not in raw
    return result


def seed(sim, values, name="blocked"):
    return sim.create_list(name, "ip", items=[{"ip": value} for value in values])


def held(sim, name="blocked"):
    lst = [found for found in sim.get_lists() if found["name"] == name][0]
    return sorted((item["ip"], item.get("comment")) for item in sim.get_items(lst["id"]))


def test_exact_from_a_feed_with_comments_notes_and_crlf_then_nothing_to_do(sim, feed):
    seed(sim, ["192.0.2.1", "203.0.113.9"])
    path = feed(FEED)
    result = run(sim, src=path, state="exact")
    assert result["_rc"] == 0 and result["changed"] is True
    assert result["counts"] == {"added": 2, "removed": 1, "updated": 0, "unchanged": 1}
    assert held(sim) == sorted((value, None) for value in FEED_ITEMS)
    again = run(sim, src=path, state="exact")
    assert again["changed"] is False and again["operation_ids"] == []


def test_src_and_items_are_the_union_and_an_item_in_both_keeps_the_items_comment(sim, feed):
    seed(sim, ["203.0.113.9"])
    result = run(sim, src=feed(FEED), items=[{"ip": "192.0.2.1", "comment": "build agent"}, "198.51.100.7", "1.10.16.0/20"],
                 state="exact", max_removals=-1)
    assert result["_rc"] == 0 and result["counts"]["added"] == 4 and result["counts"]["removed"] == 1
    assert held(sim) == [("1.10.16.0/20", None), ("192.0.2.1", "build agent"), ("198.51.100.7", None),
                         ("2001:db8::/48", None)]


def test_a_bad_line_fails_before_any_request_naming_the_file_and_every_bad_line(sim, feed):
    seed(sim, ["192.0.2.1"])
    sim.reset_counters()
    path = feed(b"# feed\n192.0.2.1\n10.0.0.999\n10.0.0.1/24 ; note\n\xff\n")
    result = run(sim, src=path, items=["192.0.2.300"], state="exact")
    assert result["_rc"] == 1 and not result.get("changed")
    assert result["msg"] == (
        "Invalid options: Invalid items and lines of src (checked as a list of kind 'ip'): "
        "items[0] '192.0.2.300': not an IPv4 or IPv6 address or CIDR. "
        "%s:3: '10.0.0.999': not an IPv4 or IPv6 address or CIDR. "
        "%s:4: '10.0.0.1/24': host bits set: write 10.0.0.0/24 for the network, or 10.0.0.1 for the address. "
        "%s:5: not UTF-8 text (byte 0xff at character 1)." % (path, path, path))
    assert sim.get_counters()["total"] == 0


def test_lines_that_do_not_fit_the_lists_kind_fail_before_any_write(sim, feed):
    sim.create_list("hosts", "hostname", items=[])
    sim.reset_counters()
    path = feed(b"192.0.2.1\n")
    result = run(sim, list_name="hosts", src=path)
    assert result["_rc"] == 1 and "The items do not fit list 'hosts', whose kind is 'hostname'" in result["msg"]
    assert "%s:1: '192.0.2.1'" % path in result["msg"] and writes(sim) == 0


@pytest.mark.parametrize("data", [b"", b"# the download failed\n", b"\xef\xbb\xbf\r\n"])
def test_an_empty_feed_never_empties_a_live_list(sim, feed, data):
    seed(sim, ["192.0.2.%d" % number for number in range(1, 6)])
    sim.reset_counters()
    result = run(sim, src=feed(data), state="exact", max_removals=-1)
    assert result["_rc"] == 1 and "would remove all 5 item(s) of the list and leave it empty" in result["msg"]
    assert writes(sim) == 0 and len(held(sim)) == 5


def test_a_truncated_feed_is_stopped_by_the_default_removal_limit(sim, feed):
    seed(sim, ["10.0.%d.%d" % (third, fourth) for third in range(2) for fourth in range(1, 101)])
    sim.reset_counters()
    result = run(sim, src=feed(b"".join(b"10.0.0.%d\n" % number for number in range(1, 101))), state="exact")
    assert result["_rc"] == 1 and "would remove 100 item(s), more than the default limit of 50" in result["msg"]
    assert writes(sim) == 0 and len(held(sim)) == 200


def test_check_mode_and_diff_from_a_feed(sim, feed):
    seed(sim, ["192.0.2.1", "192.0.2.9"])
    sim.reset_counters()
    result = run(sim, src=feed(FEED), state="exact", _ansible_check_mode=True, _ansible_diff=True)
    assert result["_rc"] == 0 and result["changed"] is True and writes(sim) == 0
    assert result["diff"]["prepared"].splitlines()[1:] == ["+ 1.10.16.0/20", "+ 2001:db8::/48", "- 192.0.2.9"]


def test_invocation_echoes_src_and_masks_the_token(sim, feed):
    seed(sim, [])
    path = feed(FEED)
    result = run(sim, src=path, _ansible_check_mode=True, _ansible_inject_invocation=True)
    args = result["invocation"]["module_args"]
    assert args["src"] == path and args["items"] is None and args["api_token"] != TOKEN


def test_items_or_src_is_required_and_an_unreadable_src_is_named(sim, tmp_path):
    result = run(sim)
    assert result["_rc"] == 1 and "Give items, src (a feed file), or both." in result["msg"]
    gone = str(tmp_path / "gone.txt")
    result = run(sim, src=gone)
    assert result["_rc"] == 1 and "src: cannot read %s: No such file or directory." % gone in result["msg"]
    assert sim.get_counters()["total"] == 0


def test_a_hostname_feed_and_an_asn_feed(sim, feed):
    hosts = sim.create_list("hosts", "hostname", items=[])
    result = run(sim, list_name="hosts", src=feed(b"# hosts\nexample.com\n*.example.net ; wildcard\n"))
    assert result["_rc"] == 0 and sorted(item["hostname"]["url_hostname"] for item in sim.get_items(hosts["id"])) == \
        ["*.example.net", "example.com"]
    asns = sim.create_list("asns", "asn", items=[])
    result = run(sim, list_name="asns", src=feed(b"13335\nAS64496 ; doc\n"))
    assert result["_rc"] == 0 and sorted(item["asn"] for item in sim.get_items(asns["id"])) == [13335, 64496]
