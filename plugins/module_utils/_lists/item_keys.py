# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which stored item is which wanted one: item identity, and how to find an item in a list.

* item_key() gives a wanted item and an item read back from Cloudflare the same identity,
  whatever form it was stored in, and never raises on a malformed one;
* alias_keys() and stored_aliases() name the other forms Cloudflare may store an item under
  (an IPv6 address as its /64, a CIDR with host bits as given), which no key can foresee;
* search_term() is the text for Cloudflare's ``search`` that finds every stored form of an item.

Pure functions: no Ansible, no HTTP. Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists import item_formats as _fmt


def item_key(kind, item):
    """The identity of an item, wanted or stored: equal keys are the same list item.

    ip: canonical text (ipaddress-normalised, IPv6 compressed lower case, /32 and /128 as the bare
    address). A stored CIDR with host bits set (10.0.0.1/24, written by another tool) keeps them,
    so it never matches a wanted item (those are refused) and a replace-all removes it.
    hostname: url_hostname in lower case; asn: the int; redirect: source_url as stored.
    An item that cannot be read gets a key of the same type that no wanted item has.
    """
    value = item.get(kind) if isinstance(item, dict) else None
    key = None
    if kind == "ip" and isinstance(value, str):
        key = _fmt.stored_ip_key(value)
    elif kind == "hostname":
        host = value.get("url_hostname") if isinstance(value, dict) else value
        if isinstance(host, str):
            # Only ASCII is lowered: str.lower() maps some other characters to ASCII (the Kelvin sign to k).
            key = host.lower() if host.isascii() else host
    elif kind == "asn" and isinstance(value, (int, str)):
        key = _fmt.asn_value(value)[0]
    elif kind == "redirect" and isinstance(value, dict) and isinstance(value.get("source_url"), str):
        key = str(value["source_url"])
    return _fmt.unparsed_key(kind, item) if key is None else key


def alias_keys(kind, key):
    """Other keys under which Cloudflare may store the wanted item of ``key``.

    Cloudflare does not document how it stores an individual IPv6 address; it may keep it as
    the /64 that holds it (2001:db8::1 as 2001:db8::/64). Empty for every other item.
    """
    if kind != "ip" or not isinstance(key, str):
        return ()
    network = _fmt.ipv6_slash64(key)
    return (network,) if network else ()


# The shortest search text worth sending: a shorter one would match much of a large list.
MIN_SEARCH_TEXT = 4


def search_term(kind, key):
    """Text for Cloudflare's ``search`` that every stored form of the wanted item ``key`` matches, or None.

    Cloudflare documents ``search`` per kind: IPs must start with the text, hostnames and redirects
    must contain it, ASNs must equal it. An IP's stored forms (192.0.2.1 or 192.0.2.1/32, an IPv6
    address or its /64) all start with their common prefix; a CIDR is stored as written. Results are
    matched to the key again by the caller, so a text that also matches other items costs only reads.
    """
    if kind == "asn":
        return str(key) if isinstance(key, int) and key >= 0 else None
    if not isinstance(key, str) or " " in key:
        return None
    if kind == "ip":
        address, slash, prefix = key.partition("/")
        if slash:
            # Another tool may have written the network with host bits set (198.51.100.7/24), which
            # stands for the same item: search by the octets every address of the network shares.
            if ":" in key:
                return None
            octets = int(prefix) // 8
            text = ".".join(address.split(".")[:octets]) + "." if octets else ""
            return text if len(text) >= MIN_SEARCH_TEXT else None
        forms = [key] + list(alias_keys(kind, key))
        text = forms[0]
        for form in forms[1:]:
            while not form.startswith(text):
                text = text[:-1]
        return text if len(text) >= MIN_SEARCH_TEXT else None
    return key if len(key) >= MIN_SEARCH_TEXT else None


def stored_aliases(kind, key):
    """Keys of wanted items that a stored item of key ``key`` may stand for, besides its own.

    Cloudflare may keep a CIDR with host bits set as it was given (10.0.0.1/24, written by
    another tool); it is the same list item as its network (10.0.0.0/24), which an append would
    duplicate. Empty for every other item.
    """
    if kind != "ip" or not isinstance(key, str) or "/" not in key:
        return ()
    network = _fmt.network_of(key)
    return (network,) if network and network != key else ()
