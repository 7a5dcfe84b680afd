# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The line rules of a feed file (src), and how its items join the task's items."""

import io

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.feed import MAX_LINE, Feed, feed_lines, wanted_items
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_items import infer_kind


def lines_of(data, **kwargs):
    return list(feed_lines(io.BytesIO(data), **kwargs))


def values_of(data, **kwargs):
    return [(number, value) for number, value, problem in lines_of(data, **kwargs) if problem is None]


def feed_file(tmp_path, data, name="blocklist.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return Feed(str(path), name)


# --- the line rules -----------------------------------------------------------------------------

def test_crlf_blank_lines_and_surrounding_whitespace():
    data = b"192.0.2.1\r\n\r\n   \r\n\t198.51.100.0/24  \r\n\n2001:db8::/48"
    assert values_of(data) == [(1, "192.0.2.1"), (4, "198.51.100.0/24"), (6, "2001:db8::/48")]


@pytest.mark.parametrize("line", [b"# FireHOL level1", b"; Spamhaus DROP List 2026/12/06", b"// Tor exits",
                                  b"   # indented comment", b"#192.0.2.1", b";192.0.2.1", b"//192.0.2.1"])
def test_comment_lines_are_skipped(line):
    assert values_of(line + b"\n192.0.2.7\n") == [(2, "192.0.2.7")]


@pytest.mark.parametrize("line, value", [
    (b"1.10.16.0/20 ; SBL256894", "1.10.16.0/20"),
    (b"1.10.16.0/20;SBL256894", "1.10.16.0/20"),
    (b"192.0.2.1 # scanner", "192.0.2.1"),
    (b"192.0.2.1\t#scanner ; note", "192.0.2.1"),
    (b"example.com  # partner ; #2", "example.com"),
    (b"AS13335 ; CLOUDFLARENET", "AS13335"),
])
def test_a_trailing_note_is_dropped(line, value):
    assert values_of(line) == [(1, value)]


def test_a_hash_without_whitespace_before_it_stays_part_of_the_item_and_is_refused_for_it():
    assert values_of(b"192.0.2.1#x\n") == [(1, "192.0.2.1#x")]


def test_a_byte_order_mark_at_the_start_is_dropped_and_only_there():
    assert values_of(b"\xef\xbb\xbf192.0.2.1\n192.0.2.2\n") == [(1, "192.0.2.1"), (2, "192.0.2.2")]
    assert values_of(b"\xef\xbb\xbf# comment\n192.0.2.2\n") == [(2, "192.0.2.2")]
    assert values_of(b"192.0.2.1\n\xef\xbb\xbf192.0.2.2\n") == [(1, "192.0.2.1"), (2, "\ufeff192.0.2.2")]


def test_bytes_that_are_not_utf8_are_accepted_in_comments_and_notes_and_refused_in_an_item():
    data = b"# Donn\xe9es du jour\n192.0.2.1 ; caf\xe9\n19\xff2.0.2.3\n"
    assert lines_of(data) == [(2, "192.0.2.1", None), (3, None, "not UTF-8 text (byte 0xff at character 3).")]


def test_utf8_text_is_decoded_so_that_a_hostname_can_be_explained():
    assert values_of("bücher.example\n".encode("utf-8")) == [(1, "bücher.example")]


def test_a_very_long_line_is_one_problem_and_is_not_read_whole():
    long_item = b"1" * (MAX_LINE * 10)
    data = b"192.0.2.1\n" + long_item + b"\n# " + b"x" * (MAX_LINE * 10) + b"\n192.0.2.2\n" + long_item
    too_long = "a line longer than %d characters: not a feed line (no item is that long)." % MAX_LINE
    for block_size in (1024, 1 << 16):
        assert lines_of(data, block_size=block_size) == [
            (1, "192.0.2.1", None), (2, None, too_long), (4, "192.0.2.2", None), (5, None, too_long)]


def test_the_reader_holds_at_most_a_block_and_a_line():
    class Counting(io.BytesIO):
        largest = 0

        def read(self, size=-1):
            assert 0 < size <= 1 << 16
            chunk = super().read(size)
            Counting.largest = max(Counting.largest, len(chunk))
            return chunk

    data = b"1" * (1 << 22) + b"\n192.0.2.1\n"
    found = list(feed_lines(Counting(data)))
    assert [number for number, _value, _problem in found] == [1, 2] and found[1][1] == "192.0.2.1"


def test_the_longest_line_accepted_is_max_line():
    item = b"a" * 250 + b".example"
    padded = item + b" " * (MAX_LINE - len(item))
    assert values_of(padded + b"\n") == [(1, item.decode())]
    assert lines_of(b"x" * (MAX_LINE + 1) + b"\n")[0][1] is None


def test_a_file_of_comments_only_or_empty_has_no_items():
    assert lines_of(b"") == [] and lines_of(b"# nothing today\n\n; really\n") == [] and lines_of(b"\xef\xbb\xbf") == []


def reference(data):
    """The rules, line by line, as the module documentation words them (the streaming reader must agree)."""
    out = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for number, raw in enumerate(data.split(b"\n"), 1):
        text = raw.decode("utf-8", "surrogateescape").strip()
        if not text or text.startswith(("#", ";", "//")):
            continue
        if len(text) > MAX_LINE:
            out.append((number, None))
            continue
        text = text.split(";", 1)[0]
        for sep in (" #", "\t#"):
            if sep in text:
                text = text[:text.index(sep)]
        text = text.strip()
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = None
        out.append((number, text))
    return out


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf192.0.2.1\n", b"\xef\xbb", b"\xef\xbb192.0.2.1"])
@pytest.mark.parametrize("block_size", [1, 2, 3, 4, 64])
def test_a_byte_order_mark_split_over_blocks_is_still_dropped(data, block_size):
    """Only a whole mark at the start is dropped, however small the blocks that bring it."""
    got = [(number, value) for number, value, _problem in feed_lines(io.BytesIO(data), block_size=block_size)]
    assert got == reference(data)


LINE_PARTS = st.sampled_from(["192.0.2.1", "2001:db8::1", " ", "\t", "#", ";", "//", "\r", "é", "x", "/", "a.example"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(LINE_PARTS | st.binary(max_size=3), max_size=6), max_size=12), st.integers(1, 40),
       st.booleans())
def test_the_streaming_reader_agrees_with_the_rules_whatever_the_block_size(lines, block_size, last_newline):
    data = b"\n".join(b"".join(part if isinstance(part, bytes) else part.encode("utf-8") for part in line)
                      for line in lines)
    data += b"\n" if last_newline and data else b""
    got = [(number, value) for number, value, _problem in feed_lines(io.BytesIO(data), block_size=block_size)]
    assert got == reference(data)


# --- items from the file, with the task's items -------------------------------------------------

def test_each_problem_names_the_file_and_the_line_and_all_are_listed(tmp_path):
    data = b"# header\n192.0.2.1\n10.0.0.999\n\n192.0.2.0/23 ; note\n10.0.0.1/24\n"
    wanted, problems = wanted_items("ip", None, feed_file(tmp_path, data))
    assert problems == [
        "blocklist.txt:3: '10.0.0.999': not an IPv4 or IPv6 address or CIDR.",
        "blocklist.txt:6: '10.0.0.1/24': host bits set: write 10.0.0.0/24 for the network, or 10.0.0.1 for the address.",
    ]
    assert set(wanted) == {"192.0.2.1", "192.0.2.0/23"}


def test_problems_past_twenty_are_counted(tmp_path):
    data = b"".join(b"bad%d\n" % number for number in range(25))
    _wanted, problems = wanted_items("ip", [], feed_file(tmp_path, data))
    assert len(problems) == 21 and problems[0].startswith("blocklist.txt:1: 'bad0': ")
    assert problems[-1] == "... and 5 more problems in blocklist.txt."


def test_items_and_file_are_the_union_and_a_duplicate_across_both_is_one_item_with_the_items_fields(tmp_path):
    data = b"192.0.2.1\n192.0.2.2/32\n192.0.2.3\n192.0.2.3\n"
    wanted, problems = wanted_items("ip", [{"ip": "192.0.2.1", "comment": "build agent"}, "203.0.113.9", "192.0.2.2"],
                                    feed_file(tmp_path, data))
    assert problems == []
    assert wanted == {"192.0.2.1": {"ip": "192.0.2.1", "comment": "build agent"}, "203.0.113.9": "203.0.113.9",
                      "192.0.2.2": "192.0.2.2", "192.0.2.3": "192.0.2.3"}


@pytest.mark.parametrize("kind, data, wanted", [
    ("hostname", b"# hosts\nExample.COM\n*.example.net ; wildcard\n", {
        "example.com": {"hostname": {"url_hostname": "example.com"}},
        "*.example.net": {"hostname": {"url_hostname": "*.example.net"}}}),
    ("asn", b"13335\nAS64496 ; doc\nas13335\n", {13335: {"asn": 13335}, 64496: {"asn": 64496}}),
    ("ip", b"2001:DB8::1\n2001:db8:0::1\n", {"2001:db8::1": "2001:db8::1"}),
])
def test_every_plain_kind(tmp_path, kind, data, wanted):
    assert wanted_items(kind, [], feed_file(tmp_path, data)) == (wanted, [])


def test_a_redirect_list_takes_its_items_from_items(tmp_path):
    wanted, problems = wanted_items("redirect", [], feed_file(tmp_path, b"example.com/a\n"))
    assert wanted == {} and problems == ["src: a redirect list's items have fields a line cannot give: give them with items."]


@pytest.mark.parametrize("data, kind", [
    (b"# FireHOL\n192.0.2.1\n198.51.100.0/24 ; x\n", "ip"),
    (b"example.com\n*.example.org\n", "hostname"),
    (b"13335\nAS64496\n", "asn"),
    (b"", "ip"),
])
def test_the_kind_is_guessed_from_the_lines_before_any_request(tmp_path, data, kind):
    guessed, _wanted, problems = infer_kind([], feed_file(tmp_path, data))
    assert (guessed, problems) == (kind, [])


def test_a_bad_feed_is_explained_as_the_kind_it_resembles_never_as_redirect(tmp_path):
    kind, _wanted, problems = infer_kind([], feed_file(tmp_path, b"192.0.2.1\n10.0.0.999\n"))
    assert kind == "ip" and problems == ["blocklist.txt:2: '10.0.0.999': not an IPv4 or IPv6 address or CIDR."]


def test_an_unreadable_file_says_so(tmp_path):
    assert Feed(str(tmp_path / "missing.txt"), "missing.txt").unreadable() == \
        "src: cannot read missing.txt: No such file or directory."
    assert Feed(str(tmp_path), "folder").unreadable().startswith("src: cannot read folder: ")
    assert feed_file(tmp_path, b"").unreadable() is None
