# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The value formats of Rules List items: one checker per field, and safe excerpts for messages.

Each checker takes one value as a user wrote it and returns ``(canonical value, None)`` or
``(None, message)``; the message says what is wrong and, where one is certain, what to write
instead. Nothing here raises on any input, and no message repeats more than EXCERPT_CHARS
characters of a value. items.py builds items from these; this file is private to it.
"""

import hashlib
import ipaddress
import re
import socket

# 60: enough to recognise an address, hostname or URL in a message; a 10 MB value still gives
# a one-line message.
EXCERPT_CHARS = 60

# Canonical dotted-quad IPv4 text (no leading zeros): the common case of a large feed, checked
# by one regex instead of ipaddress, which is some ten times slower.
IPV4_CANONICAL = re.compile(r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
                            r"(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}").fullmatch
_LEADING_ZERO = re.compile(r"(?:^|\.)0[0-9]")
_DOTTED = re.compile(r"[0-9.]+").fullmatch
# Cloudflare's documented prefix ranges: IPv4 CIDRs /8 to /32, IPv6 CIDRs /4 to /64.
IPV4_PREFIXES = (8, 32)
IPV6_PREFIXES = (4, 64)
# The longest text of an address with a prefix is an IPv6 address with an embedded IPv4 one
# plus "/128" (about 50 characters); anything longer is refused before ipaddress sees it.
_MAX_IP_TEXT = 64
_TEN_ZEROS = bytes(10)
_MAPPED = bytes(10) + b"\xff\xff"  # the first 12 bytes of an IPv4-mapped IPv6 address

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(r"(?:\*\.)?%s(?:\.%s)*" % (_LABEL, _LABEL)).fullmatch
_LABEL_OK = re.compile(_LABEL).fullmatch
# 253: the longest DNS name in text form (RFC 1035's 255 octets on the wire).
MAX_HOSTNAME = 253

MAX_ASN = 4294967295  # ASNs are 32-bit (RFC 6793), and Cloudflare's ASN items are too.
_ASN_TEXT = re.compile(r"(?:[Aa][Ss])?([0-9]{1,20})").fullmatch

REDIRECT_STATUS_CODES = (301, 302, 307, 308)
# 32 KB: Cloudflare's documented maximum length of a source or target URL.
MAX_URL_BYTES = 32 * 1024
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:").match
_HTTP_URL = re.compile(r"https?://[^/?#]+", re.IGNORECASE).match
_BOOL_WORDS = {"true": True, "yes": True, "false": False, "no": False}

EMPTY = "empty entry (a blank line in a feed is refused rather than ignored)."


def type_name(value):
    """What a value is, in the words of a YAML author."""
    if value is None:
        return "null"
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
                       ((bytes, bytearray), "bytes"), (dict, "a mapping"), ((list, tuple), "a list")):
        if isinstance(value, kind):
            return name
    return "a value of type %s" % excerpt(type(value).__name__, 40)


def excerpt(value, limit=EXCERPT_CHARS):
    """A short, quoted, printable excerpt of any value: control and invisible characters are escaped."""
    if value is None or isinstance(value, (bool, float)):
        return repr(value)[:limit]
    if isinstance(value, int):
        # repr of an int of thousands of digits is slow, and refused past 4300 digits since Python 3.11.
        return str(int(value)) if value.bit_length() <= 3 * limit else "(an integer of %d bits)" % value.bit_length()
    if not isinstance(value, str):
        return "(%s)" % type_name(value)
    text = value[:limit]
    quoted = repr(str(text))
    # repr writes an invisible character as up to 10 characters (\U0001f600): trim until the
    # quoted text itself fits.
    while len(quoted) > limit + 2:
        text = text[:len(text) - 1 - (len(quoted) - limit - 2) // 10]
        quoted = repr(str(text))
    return quoted + "..." if len(text) < len(value) else quoted


def ipv4_leading_zeros(text):
    return bool(_DOTTED(text) and _LEADING_ZERO.search(text))


def ipv6_text(packed):
    """RFC 5952 text of a packed IPv6 address (compressed, lower case), as ipaddress writes it.

    inet_ntop writes it some ten times faster than ipaddress. For an address with an embedded
    IPv4 one (::/96, ::ffff:0:0/96) C libraries differ, and so do Pythons (3.13 writes
    ::ffff:192.0.2.1, older ones ::ffff:c000:201): those go through ipaddress, a mapped one
    always dotted, so that a key never depends on the platform.
    """
    if packed[:10] == _TEN_ZEROS and packed[10:12] in (b"\0\0", _MAPPED[10:]):
        if packed[10:12] == _MAPPED[10:]:
            return "::ffff:" + _ipv4_text(packed[12:])
        return str(ipaddress.IPv6Address(packed))
    return socket.inet_ntop(socket.AF_INET6, packed)


def _ipv4_text(packed):
    return "%d.%d.%d.%d" % tuple(packed)


def _address(text):
    """(packed, canonical text) of an address without prefix, or None."""
    if IPV4_CANONICAL(text):
        return bytes(int(part) for part in text.split(".")), str(text)
    if ":" not in text or "%" in text or len(text) > _MAX_IP_TEXT:
        return None
    try:
        packed = socket.inet_pton(socket.AF_INET6, text)
    except (OSError, ValueError):  # ValueError: a NUL or a lone surrogate in the text
        return None
    return packed, ipv6_text(packed)


def _prefix(prefix, packed):
    """The prefix length after '/', or None unless it is 0 to 32 (IPv4) or 128 (IPv6) in decimal digits."""
    if prefix.isascii() and prefix.isdigit() and len(prefix) <= 3 and int(prefix) <= 8 * len(packed):
        return int(prefix)
    return None


def ip_value(text):
    """Canonical text of an IP item value (a user's entry), or the reason it cannot be listed."""
    text = str(text).strip()  # str(): a subclass (Ansible's unsafe text) must not become a key
    if not text:
        return None, EMPTY
    if IPV4_CANONICAL(text):
        return text, None
    if text.startswith("#"):
        return None, "a comment line: remove such lines from a feed before passing it as items."
    if len(text) > _MAX_IP_TEXT:
        return None, "not an IPv4 or IPv6 address or CIDR."
    addr, slash, prefix = text.partition("/")
    if slash and not (prefix.isascii() and prefix.isdigit() and len(prefix) <= 3):
        return None, "not an IPv4 or IPv6 address or CIDR: the prefix length after '/' must be a number."
    if ipv4_leading_zeros(addr):
        # Some tools read 010 as octal (8), others as decimal (10): refuse rather than guess.
        return None, "an IPv4 address with leading zeros is ambiguous (octal or decimal); write each number without them."
    if "%" in addr:
        return None, "a scoped IPv6 address (with a %zone) cannot be listed."
    parsed = _address(addr)
    if parsed is None:
        return None, "not an IPv4 or IPv6 address or CIDR."
    packed, address = parsed
    if packed[:12] == _MAPPED:
        return None, "an IPv4-mapped IPv6 address; write the IPv4 address %s." % _ipv4_text(packed[12:])
    bits = 8 * len(packed)
    length = int(prefix) if slash else bits
    if length == bits:  # an address, or a /32 or /128, which is one address: Cloudflare lists it bare
        return address, None
    version, (low, high) = (4, IPV4_PREFIXES) if bits == 32 else (6, IPV6_PREFIXES)
    if version == 6 and high < length < bits:
        return None, ("Cloudflare limits IPv6 CIDRs to /64 at most (/%d to /%d, or a single address); "
                      "a /%d cannot be listed." % (low, high, length))
    if not low <= length <= high:
        return None, "Cloudflare accepts IPv%d CIDRs from /%d to /%d only." % (version, low, high)
    value = int.from_bytes(packed, "big")
    host = value & ((1 << (bits - length)) - 1)
    if host:
        # Refused, not corrected: on a firewall list, widening an address to its network (or the
        # reverse) is a guess that may let in or shut out the wrong hosts.
        network = (value - host).to_bytes(len(packed), "big")
        network_text = _ipv4_text(network) if version == 4 else ipv6_text(network)
        return None, "host bits set: write %s/%d for the network, or %s for the address." % (network_text, length, address)
    return "%s/%d" % (address, length), None


def stored_ip_key(text):
    """Canonical text of an IP as Cloudflare stores it, or None if it is not one.

    Lenient where ip_value is strict: a stored CIDR with host bits set (10.0.0.1/24, written by
    another tool) keeps them, so it stays distinct from its network and a replace can remove it.
    """
    if IPV4_CANONICAL(text):
        return str(text)
    addr, slash, prefix = text.partition("/")
    parsed = _address(addr)
    if parsed is None:
        return None
    packed, address = parsed
    length = _prefix(prefix, packed) if slash else 8 * len(packed)
    if length is None:
        return None
    return address if length == 8 * len(packed) else "%s/%d" % (address, length)


def hostname_value(text):
    """Lower-case hostname of a hostname item, or the reason it cannot be listed."""
    text = text.strip()
    if not text:
        return None, EMPTY
    if len(text) > 4 * MAX_HOSTNAME:
        return None, "longer than %d characters." % MAX_HOSTNAME
    if not text.isascii():
        return None, "not ASCII: write an internationalised name in its punycode form%s." % _punycode_hint(text)
    if "://" in text or "/" in text:
        return None, "a hostname only, without a scheme or path."
    if any(char.isspace() or not char.isprintable() for char in text):
        return None, "a hostname cannot contain spaces or control characters."
    host = text.lower()
    if _HOSTNAME(host) and host.rpartition(".")[2].isdigit():
        # No top-level domain is all digits (RFC 3696, 2): this is an IP address, or a typo of one
        # (192.0.2.300), and belongs in an ip list.
        return None, "not a hostname: its last label is all digits, like an IP address (those go in an ip list)."
    if _HOSTNAME(host) and len(host) <= MAX_HOSTNAME:
        return host, None
    if len(host) > MAX_HOSTNAME:
        return None, "longer than %d characters." % MAX_HOSTNAME
    if ":" in host:
        return None, "a hostname only, without a port."
    if host.endswith(".") and _HOSTNAME(host[:-1]):
        return None, "a trailing dot is not accepted (write %s)." % host[:-1]
    labels = host[2:].split(".") if host.startswith("*.") else host.split(".")
    if "*" in "".join(labels):
        return None, "'*' is only accepted as a leading '*.' wildcard."
    for label in labels:
        if not label:
            return None, "an empty label (two dots in a row, or a dot at an end)."
        if len(label) > 63:
            return None, "a label is longer than 63 characters."
        if not _LABEL_OK(label):
            return None, "labels are a-z, 0-9 and '-', and do not start or end with '-'."
    return None, "not a hostname."


def _punycode_hint(text):
    if len(text) > MAX_HOSTNAME:  # the idna codec is slow on long text, and the name is too long anyway
        return ""
    try:
        encoded = text.lower().encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return " (xn--...)"
    if _HOSTNAME(encoded) and len(encoded) <= MAX_HOSTNAME:
        return ", %s" % encoded
    return " (xn--...)"


def asn_value(value):
    """An ASN as an int from an int or from text such as "13335" or "AS13335"."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None, "an ASN must be a number or text such as 'AS13335', not %s." % type_name(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, EMPTY
        match = _ASN_TEXT(text)
        if not match:
            return None, "not an ASN: write a number from 0 to %d, or AS followed by one." % MAX_ASN
        value = int(match.group(1))
    if not 0 <= value <= MAX_ASN:
        return None, "out of range: an ASN is a number from 0 to %d (32 bits)." % MAX_ASN
    return int(value), None


def bool_value(value):
    """A boolean from a bool or from true/false/yes/no in any case."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str) and len(value) <= 5 and value.lower() in _BOOL_WORDS:
        return _BOOL_WORDS[value.lower()], None
    return None, "must be true or false, not %s." % type_name(value)


def status_code_value(value):
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 3:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in REDIRECT_STATUS_CODES:
        return int(value), None
    return None, "must be one of %s." % ", ".join(str(code) for code in REDIRECT_STATUS_CODES)


def _url_text_problem(value):
    if not isinstance(value, str):
        return "must be a string, not %s." % type_name(value)
    if not value:
        return "must not be empty."
    if len(value) > MAX_URL_BYTES or len(value.encode("utf-8", "surrogatepass")) > MAX_URL_BYTES:
        return "longer than Cloudflare's limit of 32 KB."
    if any(char.isspace() or not char.isprintable() for char in value):
        return "must not contain spaces or control characters."
    return None


def source_url_value(value):
    """A redirect's source URL: host and path, without scheme, port, query string or fragment."""
    problem = _url_text_problem(value)
    if problem:
        return None, problem
    value = str(value)
    if value.startswith("//") or (_SCHEME(value) and "://" in value):
        return None, "must not include a scheme: write host and path, such as example.com/path."
    host = value.split("/", 1)[0]
    if not host:
        return None, "must start with a hostname, such as example.com/path."
    if "?" in value or "#" in value:
        return None, "must not include a query string or fragment: Cloudflare does not match on them."
    if "@" in host or (":" in host and not host.startswith("[")):
        return None, "must not include a user name or port."
    return value, None


def target_url_value(value):
    """A redirect's target URL: an absolute http or https URL."""
    problem = _url_text_problem(value)
    if problem:
        return None, problem
    if not _HTTP_URL(value):
        return None, "must be an absolute http:// or https:// URL, such as https://example.com/path."
    return str(value), None


def ipv6_slash64(key):
    """The /64 network that holds an individual IPv6 address given as canonical text, or None."""
    parsed = _address(key) if ":" in key and "/" not in key else None
    if parsed is None:
        return None
    return "%s/64" % ipv6_text(parsed[0][:8] + bytes(8))


def network_of(key):
    """The network of a canonical CIDR key (10.0.0.1/24 -> 10.0.0.0/24), or None if it is not one."""
    addr, slash, prefix = key.partition("/")
    parsed = _address(addr) if slash else None
    length = _prefix(prefix, parsed[0]) if parsed is not None else None
    if length is None:
        return None
    packed = parsed[0]
    value = int.from_bytes(packed, "big")
    bits = 8 * len(packed)
    network = (value >> (bits - length) << (bits - length)) if length else 0
    raw = network.to_bytes(len(packed), "big")
    text = _ipv4_text(raw) if len(packed) == 4 else ipv6_text(raw)
    return "%s/%d" % (text, length)


def unparsed_key(kind, item):
    """A key for an item that cannot be read: of the kind's key type, and like no wanted item's key.

    Wanted keys of text kinds never contain a space, and wanted ASNs are never negative. The key
    is a digest of the whole item (its id included), so two unreadable items never share one.
    """
    digest = _fingerprint(item)
    if kind == "asn":
        return -1 - int(digest[:15], 16)
    return "<unparsed> %s" % digest[:20]


# Bounds the work of a digest: a stored item is small, and one that is not is not worth more.
_FINGERPRINT_NODES = 100000


def _fingerprint(value):
    """sha256 of a JSON-like value, without recursion or repr (either fails on deep nesting or huge ints)."""
    digest = hashlib.sha256()
    stack = [value]
    budget = _FINGERPRINT_NODES
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if isinstance(node, dict):
            digest.update(b"{%d" % len(node))
            for name, field in node.items():
                stack.extend((field, name))
        elif isinstance(node, (list, tuple)):
            digest.update(b"[%d" % len(node))
            stack.extend(node)
        elif isinstance(node, str):
            digest.update(b"s%d:" % len(node) + node.encode("utf-8", "backslashreplace"))
        elif isinstance(node, int) and not isinstance(node, bool):
            digest.update(b"i" + hex(node).encode("ascii"))  # hex is not bound by Python's int-to-decimal limit
        elif node is None or isinstance(node, (bool, float)):
            digest.update(repr(node).encode("ascii"))
        else:
            digest.update(type(node).__name__.encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


def shown(value, limit=80):
    """Text as it is when it is short and printable; otherwise a quoted, escaped excerpt."""
    if isinstance(value, str) and len(value) <= limit and value.isprintable():
        return value
    return excerpt(value, limit)
