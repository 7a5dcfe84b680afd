# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's settings: what ``Simulator(...)``, ``configure(...)``, ``POST /__sim/config`` and the command line change.

Cloudflare leaves some behaviours undocumented (see the reference's "Writing items: what Cloudflare
documents, and what it leaves open").  Each is a setting here, and each defaults to its stricter
variant, so that a client tested against the defaults is correct whichever way Cloudflare behaves:

==================  ===========================  ==========================================================
setting             variants (default first)     meaning
==================  ===========================  ==========================================================
busy_writes         reject, queue                an item write (POST/PUT/DELETE .../items) sent while another
                                                 bulk operation of the account is pending or running is
                                                 refused at once, or queued first in, first out
busy_status         400, 429                     the HTTP status of that refusal (429 adds Retry-After: 1)
duplicate_append    refuse, ignore, update       an append (or a replace body) holding a value already in the
                                                 list, or twice in the body: the operation fails naming it;
                                                 the item is left as it was (the body's first wins); or the
                                                 item keeps its id and created_on and takes the new comment
                                                 and fields (the body's last wins)
ipv4_host32         address, cidr                ``192.0.2.1/32`` is stored as ``192.0.2.1``, or as given
ipv6_address        address, slash64, refuse     an individual IPv6 address is stored compressed, or as the
                                                 /64 that holds it, or the operation fails
host_bits           refuse, network, as_given    ``10.0.0.1/24``: the operation fails, or ``10.0.0.0/24`` is
                                                 stored, or ``10.0.0.1/24``
max_write_items     None, or a positive integer  the most items one append, replace or delete body may hold;
                                                 over it the write gets HTTP 413 at once
entrypoint_missing  404, empty                   GET .../phases/{phase}/entrypoint of a phase without one:
                                                 404 with code 10003 "could not find entrypoint ruleset", or
                                                 200 with result null
entrypoint_race     False, True                  True: the first create of a missing entry point (POST of a
                                                 zone/root ruleset, PUT entrypoint) finds that another tool
                                                 made it just before, holding one rule (ref made_elsewhere):
                                                 the POST is refused, a PUT replaces that rule
answer_extras       add, none                    answers carry fields the request never set (categories,
                                                 logging for skip rules, from_value defaults), or not
patch_same_version  new, same                    a PATCH repeating a rule's definition makes a new version,
                                                 or changes nothing
missing_list_error  unknown_list, filter_parse   an expression naming a list the account lacks: 400 code
                                                 10127 "unknown list 'x': ...", or 400 code 10014
                                                 "filter parsing error: 'x' is not a valid list reference"
max_rules_per_phase 1000, None or an integer     the most rules one ruleset (entry point) holds; over it a
                                                 write gets 400 code 10125
==================  ===========================  ==========================================================

The others: ``op_duration`` (0.5 s), ``rate_limit`` ((1200, 300) or None), ``max_lists`` (1,000),
``max_items`` (10,000 items per account), ``per_page_default`` (25).
"""

CHOICES = {
    "busy_writes": ("reject", "queue"),
    "busy_status": (400, 429),
    "duplicate_append": ("refuse", "ignore", "update"),
    "ipv4_host32": ("address", "cidr"),
    "ipv6_address": ("address", "slash64", "refuse"),
    "host_bits": ("refuse", "network", "as_given"),
    "entrypoint_missing": ("404", "empty"),
    "entrypoint_race": (False, True),
    "answer_extras": ("add", "none"),
    "patch_same_version": ("new", "same"),
    "missing_list_error": ("unknown_list", "filter_parse"),
}

DEFAULTS = {
    "op_duration": 0.5,
    "rate_limit": (1200, 300),
    "max_lists": 1000,
    "max_items": 10000,
    "per_page_default": 25,
    "busy_writes": "reject",
    "busy_status": 400,
    "duplicate_append": "refuse",
    "ipv4_host32": "address",
    "ipv6_address": "address",
    "host_bits": "refuse",
    "max_write_items": None,
    "entrypoint_missing": "404",
    "entrypoint_race": False,
    "answer_extras": "add",
    "patch_same_version": "new",
    "missing_list_error": "unknown_list",
    # Custom rules per zone: 5 (Free), 20 (Pro), 100 (Business), 1000 (Enterprise); the default is the largest.
    "max_rules_per_phase": 1000,
}

HELP = {
    "op_duration": "seconds each bulk operation runs",
    "rate_limit": "[requests, seconds] per credential, or null for no limit",
    "max_lists": "lists per account",
    "max_items": "list items per account (all lists together)",
    "per_page_default": "items per page when per_page is not given (1..500)",
    "busy_writes": "an item write while a bulk operation of the account is pending or running: refuse it, or queue it (FIFO)",
    "busy_status": "HTTP status of a refused busy write: 400, or 429 with Retry-After: 1",
    "duplicate_append": "an appended value already in the list (or twice in one body): fail the operation, keep the item, or update it",
    "ipv4_host32": "an IPv4 /32: stored as the address, or as the /32 CIDR given",
    "ipv6_address": "an individual IPv6 address: stored compressed, stored as its /64, or refused",
    "host_bits": "a CIDR with host bits set: refused, stored as its network, or stored as given",
    "max_write_items": "most items in one append/replace/delete body (null: no limit); over it HTTP 413",
    "entrypoint_missing": "GET of a phase's missing entry point: 404 (code 10003), or 200 with result null",
    "entrypoint_race": "true: another tool makes a missing entry point (one rule, ref made_elsewhere) just before the first create",
    "answer_extras": "rules in answers carry fields the request never set (categories, logging, action_parameters defaults), or not",
    "patch_same_version": "a PATCH repeating a rule's definition: a new version, or no change",
    "missing_list_error": "an expression naming a missing list: 400 code 10127 'unknown list', or 400 code 10014 'filter parsing error'",
    "max_rules_per_phase": "most rules in one ruleset (null: no limit); over it 400 code 10125",
}

CONFIG_KEYS = tuple(DEFAULTS)
BUSY_WRITES = CHOICES["busy_writes"]


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_setting(key, value):
    """The value to keep for setting ``key``, or ValueError."""
    if key not in DEFAULTS:
        raise ValueError(f"unknown setting {key}; known: {', '.join(CONFIG_KEYS)}")
    if key in CHOICES:
        wants_bool = isinstance(CHOICES[key][0], bool)
        if value not in CHOICES[key] or isinstance(value, bool) != wants_bool:
            raise ValueError(f"{key} must be one of {', '.join(str(choice) for choice in CHOICES[key])}, not {value!r}")
        return value
    if key == "rate_limit":
        if not value:
            return None
        if len(value) != 2 or not all(_is_number(part) and part > 0 for part in value):
            raise ValueError(f"rate_limit must be [requests, seconds] (positive numbers) or null, not {value!r}")
        return tuple(value)
    if key == "op_duration":
        if not _is_number(value) or value < 0:
            raise ValueError(f"op_duration must be a number of seconds, at least 0, not {value!r}")
        return value
    if key in ("max_write_items", "max_rules_per_phase") and value is None:
        return None
    low = {"per_page_default": 1, "max_write_items": 1, "max_rules_per_phase": 1}.get(key, 0)
    if not _is_int(value) or value < low or (key == "per_page_default" and value > 500):
        raise ValueError(f"{key} must be an integer of at least {low}{' and at most 500' if key == 'per_page_default' else ''}, not {value!r}")
    return value


def check_settings(settings):
    """A dict of checked settings, or ValueError naming the first bad one."""
    unknown = set(settings) - set(CONFIG_KEYS)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(CONFIG_KEYS)}")
    return {key: check_setting(key, value) for key, value in settings.items()}


def describe(config):
    """Every setting with its current value, default, variants (or type) and meaning."""
    return {key: {"value": config[key], "default": DEFAULTS[key], "variants": list(CHOICES[key]) if key in CHOICES else None,
                  "help": HELP[key]} for key in CONFIG_KEYS}
