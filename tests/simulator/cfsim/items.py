# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""List items: the body's JSON types are checked when the request arrives (Cloudflare answers 400
filters.api.invalid_json), their meaning when the bulk operation runs (the operation fails).

Every normalizer returns ``(key, stored)``: ``stored`` is the value as the list keeps and answers
it, ``key`` what makes two items of a list the same item (for IPs, the network they cover, so that
``192.0.2.1`` and ``192.0.2.1/32`` are one item whichever way ``ipv4_host32`` stores them).
"""

import ipaddress
import re

from .common import HOSTNAME_RE, KINDS, REDIRECT_DEFAULTS, REDIRECT_STATUS_CODES, E_INVALID_JSON, OperationFailed, fail
from .settings import DEFAULTS

# A canonical dotted quad (no leading zeros, ASCII digits): stored as given, without ipaddress.
IPV4_RE = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")
TARGET_URL_RE = re.compile(r"^https?://[^/\s]+")
IPV4_PREFIXES = (8, 32)
IPV6_PREFIXES = (4, 64)
HOSTNAME_KEYS = frozenset(("url_hostname", "exclude_exact_hostname"))
REDIRECT_KEYS = frozenset(REDIRECT_DEFAULTS) | {"source_url", "target_url"}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _hostname_types(value):
    return (isinstance(value, dict) and value.keys() <= HOSTNAME_KEYS and isinstance(value.get("url_hostname", ""), str)
            and isinstance(value.get("exclude_exact_hostname", True), bool))


def check_redirect_types(value):
    """True if a redirect object has only known keys of the right JSON types."""
    if not isinstance(value, dict) or not value.keys() <= REDIRECT_KEYS:
        return False
    for key, val in value.items():
        if key in ("source_url", "target_url"):
            if not isinstance(val, str):
                return False
        elif key == "status_code":
            if not _is_int(val):
                return False
        elif not isinstance(val, bool):
            return False
    return True


TYPE_CHECKS = {
    "ip": lambda value: isinstance(value, str),
    "asn": _is_int,
    "comment": lambda value: value is None or isinstance(value, str),
    "hostname": _hostname_types,
    "redirect": check_redirect_types,
}


def check_item_types(raw):
    """Raise ApiError 400 invalid_json if one item of a write body has the wrong JSON shape."""
    if not isinstance(raw, dict) or not raw:
        raise fail(400, E_INVALID_JSON)
    for key, value in raw.items():
        check = TYPE_CHECKS.get(key)
        if check is None or not check(value):
            raise fail(400, E_INVALID_JSON)


def normalize_ip(value, config=None):
    """(key, stored) of an IP item, or OperationFailed.

    IPv4 CIDRs may be /8 to /32 and IPv6 CIDRs /4 to /64; IPv6 is stored compressed and
    lower-case.  The settings ``ipv4_host32``, ``ipv6_address`` and ``host_bits`` decide the rest.
    """
    if IPV4_RE.fullmatch(value):
        return value, value
    config = config or DEFAULTS
    if "/" not in value:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            raise OperationFailed(f"'{value}' is not a valid IP address or CIDR") from None
        if address.version == 4:
            return str(address), str(address)
        mode = config["ipv6_address"]
        if mode == "refuse":
            raise OperationFailed(f"'{value}': individual IPv6 addresses are not accepted; give an IPv6 CIDR from /4 to /64")
        stored = str(ipaddress.ip_network(f"{address}/64", strict=False)) if mode == "slash64" else str(address)
        return stored, stored
    try:
        interface = ipaddress.ip_interface(value)
    except ValueError:
        raise OperationFailed(f"'{value}' is not a valid IP address or CIDR") from None
    network = interface.network
    low, high = IPV4_PREFIXES if network.version == 4 else IPV6_PREFIXES
    if not low <= network.prefixlen <= high:
        raise OperationFailed(f"'{value}': IPv{network.version} CIDR prefixes must be between /{low} and /{high}")
    key = str(network.network_address) if network.prefixlen == network.max_prefixlen else str(network)
    if interface.ip != network.network_address:
        mode = config["host_bits"]
        if mode == "refuse":
            raise OperationFailed(f"'{value}' is not a valid IP address or CIDR: host bits are set (its network is {network})")
        return key, (str(network) if mode == "network" else str(interface))
    if network.prefixlen == network.max_prefixlen:
        return key, (str(interface) if config["ipv4_host32"] == "cidr" else key)
    return key, key


def normalize_hostname(value, config=None):
    """(key, stored) of a hostname item, or OperationFailed; ``exclude_exact_hostname`` is kept when given."""
    del config
    host = value.get("url_hostname", "")
    if not HOSTNAME_RE.match(host) or len(host) > 253:
        raise OperationFailed(f"'{host}' is not a valid hostname")
    stored = {"url_hostname": host}
    if "exclude_exact_hostname" in value:
        stored["exclude_exact_hostname"] = value["exclude_exact_hostname"]
    return host, stored


def normalize_asn(value, config=None):
    """(key, stored) of an ASN item, or OperationFailed."""
    del config
    if not 0 <= value <= 4294967295:
        raise OperationFailed(f"{value} is not a valid ASN (0 to 4294967295)")
    return value, value


def normalize_redirect(value, config=None):
    """(key, stored) of a redirect item (defaults filled in), or OperationFailed."""
    del config
    if not value.get("source_url") or not value.get("target_url"):
        raise OperationFailed("a redirect needs both source_url and target_url")
    if "://" in value["source_url"]:
        raise OperationFailed(f"source_url '{value['source_url']}' must not contain a scheme")
    if not TARGET_URL_RE.match(value["target_url"]):
        raise OperationFailed(f"target_url '{value['target_url']}' must be an absolute http or https URL")
    stored = dict(REDIRECT_DEFAULTS)
    stored.update(value)
    if stored["status_code"] not in REDIRECT_STATUS_CODES:
        raise OperationFailed(f"status_code {stored['status_code']} is not one of 301, 302, 307, 308")
    return stored["source_url"], stored


NORMALIZERS = {"ip": normalize_ip, "hostname": normalize_hostname, "asn": normalize_asn, "redirect": normalize_redirect}


def normalize_item(kind, raw, index, config=None):
    """(key, stored value) of one write item for a list of ``kind``, or OperationFailed."""
    if kind not in raw or (len(raw) > 1 and any(field in raw for field in KINDS if field != kind)):
        found = ", ".join(field for field in KINDS if field in raw) or "none"
        raise OperationFailed(f"item {index}: a {kind} list takes items with exactly the '{kind}' field (found: {found})")
    try:
        return NORMALIZERS[kind](raw[kind], config)
    except OperationFailed as exc:
        raise OperationFailed(f"item {index}: {exc}") from None


def shown(kind, raw):
    """How an error text names an item's value: the value as given (a redirect by its source_url)."""
    value = raw[kind]
    if kind == "hostname":
        return repr(value.get("url_hostname"))
    if kind == "redirect":
        return repr(value.get("source_url"))
    return repr(value)


def item_matches(kind, item, search):
    """Cloudflare's ``search``: IPs by prefix, ASNs exactly, hostnames and redirects by substring."""
    value = item[kind]
    if kind == "ip":
        return value.startswith(search)
    if kind == "asn":
        return str(value) == search
    if kind == "hostname":
        return search in value["url_hostname"]
    return search in value["source_url"] or search in value["target_url"]


def copy_item(item):
    """A copy of a stored item that the caller may change (values are flat or one dict deep)."""
    return {key: (dict(value) if isinstance(value, dict) else value) for key, value in item.items()}
