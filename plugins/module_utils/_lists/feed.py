# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Feed files (cloudflare_list_items' ``src``): one item per line, read as a stream.

The line rules, in order (the module's documentation and the feeds guide say the same):

1. Lines end with LF or CRLF; the last one may lack it. A UTF-8 byte order mark at the start of
   the file is dropped.
2. Whitespace around the line (spaces, tabs, the CR of CRLF) is stripped.
3. A blank line is skipped, and so is a line that starts with ``#``, ``;`` or ``//``.
4. A note is dropped: everything from the first ``;``, and everything from a ``#`` that follows
   a space or tab. So ``1.10.16.0/20 ; SBL256894`` is ``1.10.16.0/20``. What is left, stripped
   again, is one item, checked as a plain value of the list's kind, as in ``items``.
5. Comments and notes may hold any bytes; the item itself must be UTF-8 text, or the line is a
   problem. A line longer than MAX_LINE characters is a problem (a comment line is skipped
   whatever its length), and is never held whole in memory.

Every problem names the file as the task gave it and the line number: ``blocklist.txt:57: ...``.
The file is read line by line, never whole: only the wanted keys stay in memory, and a plain
IP item is kept as its key alone (``compact``, as normalize_items does). Pure: no Ansible, no HTTP.
"""

import re

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_formats as _fmt
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.items import KINDS, kinds_named, normalize_items

# No item is longer than a hostname's 253 characters. A line of more than 4096 is not a feed line
# (an HTML error page, a binary file, line breaks lost) and is refused rather than read whole.
MAX_LINE = 4096
# The lines whose form orders the guesses of the list's kind before the first request (as kinds_named).
SAMPLE_LINES = 1000
# Lines are read and decoded 64 KiB at a time: few calls per line, and little memory.
BLOCK_SIZE = 1 << 16
FEED_KINDS = ("ip", "hostname", "asn")

_BOM = b"\xef\xbb\xbf"
_COMMENT_STARTS = ("#", ";", "//")
_ASN_TEXT = re.compile(r"(?:AS)?[0-9]+", re.IGNORECASE).fullmatch
_NOTE = re.compile(r"[ \t]#").search


def feed_lines(handle, max_line=MAX_LINE, block_size=BLOCK_SIZE):
    """Yield ``(line number, value, problem)`` for every line of a binary file that holds an item.

    ``value`` is the item's text after the rules above, or None when ``problem`` says why the
    line cannot be read. Blank and comment lines yield nothing. The file is read in blocks of whole
    lines, each decoded at once (bytes that are not UTF-8 become lone surrogates, refused only in
    an item): at most a block and one line are in memory.
    """
    too_long = "a line longer than %d characters: not a feed line (no item is that long)." % max_line
    number = 0
    carry = b""
    skipping = False  # in the rest of a line longer than max_line, which is dropped
    block = handle.read(block_size)
    # Small blocks may split the byte order mark: read on while the file so far could still be one.
    while block and len(block) < len(_BOM) and _BOM.startswith(block):
        more = handle.read(block_size)
        if not more:
            break
        block += more
    if block.startswith(_BOM):
        block = block[len(_BOM):] or handle.read(block_size)
    while block:
        data = carry + block
        if skipping:
            end = data.find(b"\n")
            if end < 0:
                carry, block = b"", handle.read(block_size)
                continue
            data, skipping = data[end + 1:], False
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        lines = data[:cut].decode("utf-8", "surrogateescape").split("\n")
        lines.pop()  # the empty text after the last LF
        for line in lines:
            number += 1
            text = line.strip()
            if not text or text[0] in "#;" or text[:2] == "//":
                continue
            if len(text) > max_line:
                yield number, None, too_long
            elif ";" in text or "#" in text or not text.isascii():
                yield _item(number, text)
            else:
                yield number, text, None
        if len(carry) > max_line:
            number += 1
            text = carry[:max_line].decode("utf-8", "surrogateescape").strip()
            if not text.startswith(_COMMENT_STARTS):
                yield number, None, too_long
            carry, skipping = b"", True
        block = handle.read(block_size)
    text = carry.decode("utf-8", "surrogateescape").strip()
    if text and not skipping and not text.startswith(_COMMENT_STARTS):
        yield (number + 1, None, too_long) if len(text) > max_line else _item(number + 1, text)


def _item(number, text):
    """(number, value, problem) of a line that is not blank nor a comment, stripped."""
    if ";" in text or "#" in text:
        cut = text.find(";")
        if cut >= 0:
            text = text[:cut]
        note = _NOTE(text)
        if note:
            text = text[:note.start()]
        text = text.strip()
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            byte = ord(text[exc.start]) - 0xDC00
            return number, None, "not UTF-8 text (byte 0x%02x at character %d)." % (byte, exc.start + 1)
    return number, text, None


class Feed:
    """A feed file: ``path`` to read, ``name`` as the task gave it (in every problem)."""

    def __init__(self, path, name=None):
        self.path = path
        self.name = name or path

    def lines(self):
        with open(self.path, "rb") as handle:
            yield from feed_lines(handle)

    def unreadable(self):
        """Why the file cannot be read, or None."""
        try:
            with open(self.path, "rb") as handle:
                handle.read(1)
        except (OSError, ValueError) as exc:
            return "src: cannot read %s: %s." % (self.name, getattr(exc, "strerror", None) or exc)
        return None

    def kinds_named(self, limit=SAMPLE_LINES):
        """How many of the first ``limit`` items look like items of each kind (see items.kinds_named)."""
        values = []
        for _number, value, _problem in self.lines():
            if len(values) >= limit:
                break
            if value is not None:
                values.append(value)
        others = [value for value in values if not _ASN_TEXT(value)]
        counts = kinds_named(others, limit)
        counts["asn"] += len(values) - len(others)
        return counts

    def merge(self, kind, wanted, max_problems=20):
        """Add the file's items to ``wanted`` (key -> item, as normalize_items with compact); return the problems.

        An item that ``wanted`` holds already (from ``items`` or an earlier line) is merged into it:
        a line is a plain value, so it adds no field and never conflicts.
        """
        if kind not in FEED_KINDS:
            return ["src: %s %s list's items have fields a line cannot give: give them with items."
                    % ("a" if kind[0] not in "aeiou" else "an", kind)]
        listed = []
        more = 0
        fast = _fmt.IPV4_CANONICAL if kind == "ip" else None
        value_of = _VALUE[kind]
        name = self.name
        for number, value, problem in self.lines():
            if problem is None:
                if fast is not None and fast(value):
                    if value not in wanted:
                        wanted[value] = value
                    continue
                key, message = value_of(value)
                if message is None:
                    if key not in wanted:
                        wanted[key] = _ITEM[kind](key)
                    continue
                problem = "%s: %s" % (_fmt.excerpt(value), message)
            if len(listed) < max_problems:
                listed.append("%s:%d: %s" % (name, number, problem))
            else:
                more += 1
        if more:
            listed.append("... and %d more problems in %s." % (more, name))
        return listed


_VALUE = {"ip": _fmt.ip_value, "hostname": _fmt.hostname_value, "asn": _fmt.asn_value}
# What a plain line is written as; an IP item is kept as its key (compact: items.item_of gives it back).
_ITEM = {"ip": lambda key: key, "asn": lambda key: {"asn": key},
         "hostname": lambda key: {"hostname": {"url_hostname": key}}}


def wanted_items(kind, entries, feed=None):
    """(wanted, problems) for a list of ``kind``: the task's ``items`` and the lines of ``feed``, together."""
    wanted, problems = normalize_items(kind, entries if entries is not None else [], compact=True)
    if feed is not None and kind in KINDS:
        problems = problems + feed.merge(kind, wanted)
    return wanted, problems
