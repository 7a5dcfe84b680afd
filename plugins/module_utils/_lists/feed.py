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
   problem. A line longer than MAX_LINE bytes is a problem (a comment line is skipped whatever
   its length), and is never held whole in memory.

Every problem names the file as the task gave it and the line number: ``blocklist.txt:57: ...``.
The file is read line by line, never whole: only the wanted keys stay in memory, and a plain
IP item is kept as its key alone (``compact``, as normalize_items does). Pure: no Ansible, no HTTP.
"""

import re

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_formats as _fmt
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.items import KINDS, kinds_named, normalize_items

# No item is longer than a hostname's 253 characters. A line of more than 4 KiB is not a feed line
# (an HTML error page, a binary file, line breaks lost) and is refused rather than read whole.
MAX_LINE = 4096
# The lines whose form orders the guesses of the list's kind before the first request (as kinds_named).
SAMPLE_LINES = 1000
FEED_KINDS = ("ip", "hostname", "asn")

_BOM = b"\xef\xbb\xbf"
_COMMENT_STARTS = (b"#", b";", b"//")
_ASN_TEXT = re.compile(r"(?:AS)?[0-9]+", re.IGNORECASE).fullmatch
_NOTE = re.compile(rb"[ \t]#").search


def feed_lines(handle, max_line=MAX_LINE):
    """Yield ``(line number, value, problem)`` for every line of a binary file that holds an item.

    ``value`` is the item's text after the rules above, or None when ``problem`` says why the
    line cannot be read. Blank and comment lines yield nothing.
    """
    number = 0
    while True:
        raw = handle.readline(max_line + 1)
        if not raw:
            return
        number += 1
        too_long = len(raw) > max_line and not raw.endswith(b"\n")
        if too_long:
            _skip_rest_of_line(handle)
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        text = raw.strip()
        if not text or text.startswith(_COMMENT_STARTS):
            continue
        if too_long:
            yield number, None, "a line longer than %d bytes: not a feed line (no item is that long)." % max_line
            continue
        text = _without_note(text)
        try:
            yield number, text.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            yield number, None, "not UTF-8 text (byte 0x%02x at column %d)." % (text[exc.start], exc.start + 1)


def _skip_rest_of_line(handle, chunk=65536):
    while True:
        rest = handle.readline(chunk)
        if not rest or rest.endswith(b"\n"):
            return


def _without_note(text):
    cut = text.find(b";")
    if cut >= 0:
        text = text[:cut]
    if b"#" in text:
        note = _NOTE(text)
        if note:
            text = text[:note.start()]
    return text.strip()


class Feed:
    """A feed file: ``path`` to read, ``name`` as the task gave it (in every problem)."""

    def __init__(self, path, name=None):
        self.path = path
        self.name = name or path

    def lines(self):
        with open(self.path, "rb") as handle:
            for line in feed_lines(handle):
                yield line

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
                        wanted[value] = None
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
# What a plain line is written as; None is a compact IP item (items.item_of gives it back).
_ITEM = {"ip": lambda key: None, "asn": lambda key: {"asn": key},
         "hostname": lambda key: {"hostname": {"url_hostname": key}}}


def wanted_items(kind, entries, feed=None):
    """(wanted, problems) for a list of ``kind``: the task's ``items`` and the lines of ``feed``, together."""
    wanted, problems = normalize_items(kind, entries if entries is not None else [], compact=True)
    if feed is not None and kind in KINDS:
        problems = problems + feed.merge(kind, wanted)
    return wanted, problems
