# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Cloudflare Rules Lists API simulator for tests and demos (Python standard library only).

It answers on 127.0.0.1 under ``/client/v4`` the way Cloudflare's API does: the same paths,
envelope, authentication answers, asynchronous bulk operations (one at a time per account,
applied when they complete), limits, and the faults seen in the wild (429 and 5xx answers in
JSON or HTML, resets, slow and truncated answers).  Admin endpoints under ``/__sim/`` steer it.

Error codes 971, 6003/6102/6111, 7000, 7001, 7003, 9103, 9106, 10000, 10026, 10031 and 10100 and their
texts are Cloudflare's own.  Cloudflare documents no code for the remaining errors (bad list
name, duplicate name, list limit, paging parameters, a write refused while another runs), so the
simulator uses its own codes from 10101 upwards for them, with texts that say what is wrong.

Use it from Python (``Simulator``) or as a script (see ``main``).
"""

import argparse
import base64
import collections
import copy
import datetime
import email.utils
import http.server
import ipaddress
import json
import math
import os
import random
import re
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from urllib.parse import parse_qs, urlsplit

DEFAULT_ACCOUNT_ID = "0123456789abcdef0123456789abcdef"
DEFAULT_EDIT_TOKEN = "sim-edit-token-0000"
DEFAULT_READ_TOKEN = "sim-read-token-0000"
DEFAULT_EMAIL = "sim@example.com"
DEFAULT_API_KEY = "sim-global-api-key-0000"

API_PREFIX = "/client/v4"
ADMIN_PREFIX = "/__sim/"
KINDS = ("ip", "redirect", "hostname", "asn")
ITEM_FIELDS = ("ip", "redirect", "hostname", "asn", "comment")
REDIRECT_DEFAULTS = {
    "include_subdomains": False,
    "subpath_matching": False,
    "preserve_query_string": False,
    "preserve_path_suffix": False,
    "status_code": 301,
}
REDIRECT_STATUS_CODES = (301, 302, 307, 308)
MAX_BODY_BYTES = 16 * 1024 * 1024

ID_RE = re.compile(r"^[0-9a-f]{32}$")
NAME_RE = re.compile(r"^[a-z0-9_]+$")
HOSTNAME_RE = re.compile(r"^(\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
BEARER_RE = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]+)$")

# Cloudflare's own codes and texts.  Its rate limit answers carry 971 or 10100; 971 is below
# the minimum of 1000 that its schema sets for codes, so the rate limiter uses 10100 and the 429
# fault 971, and clients meet both.
E_RATE_LIMITED = (971, "Please wait and consider throttling your request speed")
E_RATE_LIMITED_API = (10100, "Please wait and consider throttling your request speed")
E_NO_ROUTE = (7000, "No route for that URI")
E_AUTH = (10000, "Authentication error")
E_UNKNOWN_KEY = (9103, "Unknown X-Auth-Key or X-Auth-Email")
E_INVALID_JSON = (10026, "filters.api.invalid_json")
E_LIST_IN_USE = (10031, "filters.api.ip_list_in_use")
# The simulator's own codes, for validation errors Cloudflare gives no documented code for.
E_INVALID_NAME = (10101, "list name must match ^[a-z0-9_]+$ and be at most 50 characters")
E_INVALID_KIND = (10102, "list kind must be one of: ip, redirect, hostname, asn")
E_INVALID_DESCRIPTION = (10103, "description must be a string of at most 500 characters")
E_DUPLICATE_NAME = (10104, "a list with this name already exists in the account")
E_LIST_LIMIT = (10105, "the account is at its maximum number of lists")
E_INVALID_PER_PAGE = (10106, "per_page must be an integer between 1 and 500")
E_INVALID_CURSOR = (10107, "the pagination cursor is invalid")
E_BUSY = (10108, "another bulk operation is in progress on this account; retry once it has finished")
# Failed operation texts.  The item-limit text is the one Cloudflare's schema documents.
OP_ITEM_LIMIT = "This list is at the maximum number of items"
OP_LIST_GONE = "The list was deleted before the operation ran"

JSON_FAULT_ERRORS = {
    429: E_RATE_LIMITED,
    500: (10001, "Internal Server Error"),
    502: (10002, "Bad Gateway"),
    503: (10003, "Service Unavailable"),
    504: (10004, "Gateway Timeout"),
}
FAULT_KINDS = ("status", "reset", "slow", "truncate", "success_false", "operation")
CONFIG_KEYS = ("op_duration", "rate_limit", "max_lists", "max_items", "per_page_default", "busy_writes")
BUSY_WRITES = ("queue", "reject")


class ApiError(ValueError):
    """An answer with success false: HTTP status plus Cloudflare error objects.

    A ValueError, so that Python callers seeding bad data (``create_list``) get one.
    """

    def __init__(self, status, errors, headers=None):
        super().__init__(errors[0]["message"])
        self.status = status
        self.errors = errors
        self.headers = headers or {}


class OperationFailed(Exception):
    """A bulk operation ends in status failed with this text."""


def error(code_message, message=None, **extra):
    """One Cloudflare error object from a (code, text) pair; ``message`` overrides the text."""
    code, text = code_message
    obj = {"code": code, "message": message or text}
    obj.update(extra)
    return obj


def fail(status, code_message, message=None, **extra):
    """Build an ApiError with a single error object."""
    return ApiError(status, [error(code_message, message, **extra)])


def not_routable(path):
    """Cloudflare's answer to an object identifier that does not exist or is malformed."""
    return ApiError(404, [
        {"code": 7003, "message": f"Could not route to {path}, perhaps your object identifier is invalid?"},
        error(E_NO_ROUTE),
    ])


def envelope(result, errors=None, result_info=None):
    """Cloudflare's answer envelope."""
    body = {"result": result, "success": not errors, "errors": errors or [], "messages": []}
    if result_info is not None:
        body["result_info"] = result_info
    return body


def rfc3339(epoch):
    """RFC 3339 UTC timestamp with microseconds, like Cloudflare's ``2026-11-22T18:53:00.123456Z``."""
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------------------------------------
# Items: the body's JSON types are checked when the request arrives (Cloudflare answers 400
# filters.api.invalid_json), their meaning when the bulk operation runs (the operation fails).
# ---------------------------------------------------------------------------------------------

def check_item_types(raw):
    """Raise ApiError 400 invalid_json if one item of a write body has the wrong JSON shape."""
    if not isinstance(raw, dict) or not raw or set(raw) - set(ITEM_FIELDS):
        raise fail(400, E_INVALID_JSON)
    checks = {
        "ip": lambda v: isinstance(v, str),
        "asn": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "comment": lambda v: v is None or isinstance(v, str),
        "hostname": lambda v: isinstance(v, dict) and set(v) <= {"url_hostname"} and isinstance(v.get("url_hostname", ""), str),
        "redirect": check_redirect_types,
    }
    for key, value in raw.items():
        if not checks[key](value):
            raise fail(400, E_INVALID_JSON)


def check_redirect_types(value):
    """True if a redirect object has only known keys of the right JSON types."""
    if not isinstance(value, dict) or set(value) - set(REDIRECT_DEFAULTS) - {"source_url", "target_url"}:
        return False
    for key, val in value.items():
        if key in ("source_url", "target_url") and not isinstance(val, str):
            return False
        if key == "status_code" and (not isinstance(val, int) or isinstance(val, bool)):
            return False
        if key not in ("source_url", "target_url", "status_code") and not isinstance(val, bool):
            return False
    return True


def normalize_ip(value):
    """Cloudflare's stored form of an IP item, or OperationFailed.

    IPv4 CIDRs may be /8 to /32 and IPv6 CIDRs /12 to /64; a /32 is stored as the bare address
    and IPv6 is stored compressed, so a client comparing its input with what it reads back must
    normalize the same way.
    """
    invalid = OperationFailed(f"'{value}' is not a valid IP address or CIDR")
    try:
        if "/" not in value:
            return str(ipaddress.ip_address(value))
        net = ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise invalid from None
    low, high = (8, 32) if net.version == 4 else (12, 64)
    if not low <= net.prefixlen <= high:
        raise OperationFailed(f"'{value}': IPv{net.version} CIDR prefixes must be between /{low} and /{high}")
    if net.version == 4 and net.prefixlen == 32:
        return str(net.network_address)
    return str(net)


def normalize_hostname(value):
    """A hostname item's stored form, or OperationFailed."""
    host = value.get("url_hostname", "")
    if not HOSTNAME_RE.match(host) or len(host) > 253:
        raise OperationFailed(f"'{host}' is not a valid hostname")
    return {"url_hostname": host}


def normalize_asn(value):
    """An ASN item's stored form, or OperationFailed."""
    if not 0 <= value <= 4294967295:
        raise OperationFailed(f"{value} is not a valid ASN (0 to 4294967295)")
    return value


def normalize_redirect(value):
    """A redirect item's stored form (defaults filled in), or OperationFailed."""
    if not value.get("source_url") or not value.get("target_url"):
        raise OperationFailed("a redirect needs both source_url and target_url")
    if "://" in value["source_url"]:
        raise OperationFailed(f"source_url '{value['source_url']}' must not contain a scheme")
    if not re.match(r"^https?://[^/\s]+", value["target_url"]):
        raise OperationFailed(f"target_url '{value['target_url']}' must be an absolute http or https URL")
    stored = dict(REDIRECT_DEFAULTS)
    stored.update(value)
    if stored["status_code"] not in REDIRECT_STATUS_CODES:
        raise OperationFailed(f"status_code {stored['status_code']} is not one of 301, 302, 307, 308")
    return stored


NORMALIZERS = {"ip": normalize_ip, "hostname": normalize_hostname, "asn": normalize_asn, "redirect": normalize_redirect}


def normalize_item(kind, raw, index):
    """(key, value) of one write item for a list of ``kind``, or OperationFailed."""
    present = [field for field in KINDS if field in raw]
    if present != [kind]:
        found = ", ".join(present) or "none"
        raise OperationFailed(f"item {index}: a {kind} list takes items with exactly the '{kind}' field (found: {found})")
    try:
        value = NORMALIZERS[kind](raw[kind])
    except OperationFailed as exc:
        raise OperationFailed(f"item {index}: {exc}") from None
    return item_key(kind, value), value


def item_key(kind, value):
    """What makes two items of a list the same item: appending it again updates the existing one."""
    if kind == "hostname":
        return value["url_hostname"]
    if kind == "redirect":
        return value["source_url"]
    return value


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


# ---------------------------------------------------------------------------------------------
# State: accounts, lists, items, bulk operations.  Every method runs under Simulator._lock.
# ---------------------------------------------------------------------------------------------

class ListRecord:
    """One Rules List and its items (in creation order)."""

    def __init__(self, list_id, name, kind, description, stamp):
        self.id = list_id
        self.name = name
        self.kind = kind
        self.description = description
        self.created_on = stamp
        self.modified_on = stamp
        self.referencing_filters = 0
        self.items = collections.OrderedDict()

    def as_json(self):
        """The list object Cloudflare answers."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "description": self.description,
            "num_items": len(self.items), "num_referencing_filters": self.referencing_filters,
            "created_on": self.created_on, "modified_on": self.modified_on,
        }


class Operation:
    """One bulk operation: queued, then running for ``duration`` seconds, then applied."""

    def __init__(self, op_id, list_id, action, payload, duration, fail_with, submitted):
        self.id = op_id
        self.list_id = list_id
        self.action = action
        self.payload = payload
        self.duration = duration
        self.fail_with = fail_with
        self.submitted = submitted
        self.start = None
        self.status = "pending"
        self.completed = None
        self.error = None

    def as_json(self, now):
        """The operation object Cloudflare answers at clock time ``now``."""
        if self.status in ("completed", "failed"):
            body = {"id": self.id, "status": self.status, "completed": self.completed}
            if self.error is not None:
                body["error"] = self.error
            return body
        running = self.start is not None and now > self.start
        return {"id": self.id, "status": "running" if running else "pending"}


class Account:
    """An account's lists and its queue of bulk operations (one runs at a time)."""

    def __init__(self, account_id):
        self.id = account_id
        self.lists = collections.OrderedDict()
        self.operations = {}
        self.queue = []
        self.free_at = None

    def total_items(self, excluding=None):
        """Items held by all lists of the account, optionally without one list."""
        return sum(len(lst.items) for lst in self.lists.values() if lst is not excluding)


class Store:
    """Accounts and everything in them; time comes from the simulator's clock."""

    def __init__(self, sim):
        self.sim = sim
        self.accounts = {}

    def settle(self, account, now):
        """Finish, in queue order, every operation whose running time has passed by ``now``."""
        while account.queue:
            op = account.queue[0]
            if op.start is None:
                op.start = op.submitted if account.free_at is None else max(op.submitted, account.free_at)
            end = op.start + op.duration
            if now < end:
                return
            account.queue.pop(0)
            account.free_at = end
            self.finish(account, op, end)

    def finish(self, account, op, end):
        """Apply an operation's change at its end time, or record why it failed."""
        op.completed = self.sim.stamp(end)
        try:
            if op.fail_with is not None:
                raise OperationFailed(op.fail_with)
            if op.action != "seeded":
                self.apply(account, op, op.completed)
            op.status = "completed"
        except OperationFailed as exc:
            op.status = "failed"
            op.error = str(exc)

    def apply(self, account, op, stamp):
        """Change a list's items as one bulk write; all or nothing."""
        lst = account.lists.get(op.list_id)
        if lst is None:
            raise OperationFailed(OP_LIST_GONE)
        if op.action == "delete":
            doomed = {entry["id"] for entry in op.payload}
            items = collections.OrderedDict((k, v) for k, v in lst.items.items() if k not in doomed)
        else:
            base = lst.items if op.action == "append" else collections.OrderedDict()
            items = self.merged(lst.kind, base, op.payload, stamp)
        if len(items) > len(lst.items) and account.total_items(excluding=lst) + len(items) > self.sim.config["max_items"]:
            raise OperationFailed(OP_ITEM_LIMIT)
        lst.items = items
        lst.modified_on = stamp

    def merged(self, kind, base, raw_items, stamp):
        """``base`` plus the new items; an item already there keeps its id and gets the new comment."""
        items = collections.OrderedDict((k, dict(v)) for k, v in base.items())
        index = {item_key(kind, item[kind]): item_id for item_id, item in items.items()}
        for position, raw in enumerate(raw_items):
            key, value = normalize_item(kind, raw, position)
            old = items.get(index.get(key)) or {"id": self.sim.new_id(), "created_on": stamp}
            item = {"id": old["id"], kind: value}
            if raw.get("comment") is not None:
                item["comment"] = raw["comment"]
            item.update(created_on=old["created_on"], modified_on=stamp)
            items[item["id"]] = item
            index[key] = item["id"]
        return items

    def submit(self, account, list_id, action, payload, now, op_fault=None):
        """Queue a bulk operation and return its id."""
        duration = self.sim.config["op_duration"]
        fail_with = None
        if op_fault is not None:
            duration = op_fault.get("duration", duration)
            fail_with = op_fault.get("fail_with")
        op = Operation(self.sim.new_id(), list_id, action, payload, float(duration), fail_with, now)
        account.operations[op.id] = op
        account.queue.append(op)
        self.settle(account, now)
        return op.id

    def create_list(self, account, body):
        """Validate a list creation body and create the list."""
        if not isinstance(body, dict) or set(body) - {"name", "kind", "description"}:
            raise fail(400, E_INVALID_JSON)
        name, kind, description = body.get("name"), body.get("kind"), body.get("description", "")
        if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > 50:
            raise fail(400, E_INVALID_NAME)
        if kind not in KINDS:
            raise fail(400, E_INVALID_KIND)
        check_description(description)
        if any(lst.name == name for lst in account.lists.values()):
            raise fail(400, E_DUPLICATE_NAME)
        if len(account.lists) >= self.sim.config["max_lists"]:
            raise fail(400, E_LIST_LIMIT, f"{E_LIST_LIMIT[1]} ({self.sim.config['max_lists']})")
        lst = ListRecord(self.sim.new_id(), name, kind, description or "", self.sim.stamp(self.sim.now()))
        account.lists[lst.id] = lst
        return lst


def check_description(description):
    """Raise ApiError unless ``description`` is an acceptable list description."""
    if description is not None and (not isinstance(description, str) or len(description) > 500):
        raise fail(400, E_INVALID_DESCRIPTION)


def encode_cursor(list_id, offset):
    """An opaque paging cursor."""
    raw = json.dumps({"l": list_id, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(list_id, cursor):
    """The offset a cursor stands for, or ApiError."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if data["l"] == list_id and isinstance(data["o"], int) and data["o"] >= 0:
            return data["o"]
    except (ValueError, TypeError, KeyError):
        pass
    raise fail(400, E_INVALID_CURSOR)


# ---------------------------------------------------------------------------------------------
# Faults, counters, rate limit.
# ---------------------------------------------------------------------------------------------

def normalize_fault(spec):
    """Validate one fault description and fill in its defaults; raises ValueError.

    Common keys: ``kind`` (one of FAULT_KINDS), ``method`` and ``path`` (substring) to match,
    ``count`` (how many matching requests it hits, default 1), ``skip`` (matching requests to let
    through first), ``after`` (process the request first, then answer with the fault: the change
    happens but the client never learns it).  Per kind:

    - status: ``status`` (429, 500, 502, 503, 504...), ``body`` "json" or "html", ``retry_after``
      (seconds; 429 defaults to 1, null for none), ``retry_after_format`` "seconds" or "http-date",
      ``retry_after_ms``, ``code`` and ``message`` for the JSON body.
    - reset: close the connection with a TCP reset, no answer.
    - slow: ``delay`` seconds before answering.
    - truncate: send half the JSON body; ``incomplete`` true declares the full Content-Length and
      closes the connection instead of declaring the half.
    - success_false: HTTP 200 with success false, ``code`` and ``message``.
    - operation: the bulk operation a matching item write creates gets ``duration`` and/or ends
      failed with ``fail_with``.
    """
    if not isinstance(spec, dict) or spec.get("kind") not in FAULT_KINDS:
        raise ValueError(f"a fault needs a kind, one of {', '.join(FAULT_KINDS)}: {spec!r}")
    fault = {"method": None, "path": None, "count": 1, "skip": 0, "after": False}
    fault.update(spec)
    if fault["method"]:
        fault["method"] = fault["method"].upper()
    for key in ("count", "skip"):
        if not isinstance(fault[key], int) or isinstance(fault[key], bool) or fault[key] < (1 if key == "count" else 0):
            raise ValueError(f"fault {key} must be a non-negative integer (count at least 1): {spec!r}")
    if fault["kind"] == "status":
        fault.setdefault("status", 503)
        fault.setdefault("body", "json")
        fault.setdefault("retry_after", 1 if fault["status"] == 429 else None)
        fault.setdefault("retry_after_format", "seconds")
        if fault["body"] not in ("json", "html") or fault["retry_after_format"] not in ("seconds", "http-date"):
            raise ValueError(f"fault body must be json or html, retry_after_format seconds or http-date: {spec!r}")
    if fault["kind"] == "slow":
        fault.setdefault("delay", 1.0)
    return fault


class FaultBook:
    """Faults waiting for matching requests."""

    def __init__(self):
        self.faults = []

    def add(self, specs):
        """Add one fault or a list of faults; returns the normalized ones."""
        specs = specs if isinstance(specs, list) else [specs]
        added = [normalize_fault(spec) for spec in specs]
        self.faults.extend(added)
        return added

    def clear(self):
        """Forget every waiting fault."""
        self.faults = []

    def take(self, method, path):
        """The first waiting fault that hits this request (used up by one), or None."""
        for fault in self.faults:
            if not self.matches(fault, method, path):
                continue
            if fault["skip"]:
                fault["skip"] -= 1
                continue
            fault["count"] -= 1
            if not fault["count"]:
                self.faults.remove(fault)
            return dict(fault)
        return None

    @staticmethod
    def matches(fault, method, path):
        """Whether a fault applies to a request."""
        if fault["method"] and fault["method"] != method:
            return False
        if fault["path"] and fault["path"] not in path:
            return False
        if fault["kind"] == "operation":
            return method in ("POST", "PUT", "DELETE") and path.endswith("/items")
        return True


class Counters:
    """Requests per method and path, per route, in total; TCP connections.

    ``connections`` counts every accepted TCP connection, ``api_connections`` those that carried
    at least one API request (admin calls on their own connections do not add to it).
    """

    def __init__(self):
        self.total = 0
        self.requests = collections.Counter()
        self.routes = collections.Counter()
        self.connections = 0
        self.api_connections = 0

    def count(self, method, path, route):
        """Record one API request."""
        self.total += 1
        self.requests[f"{method} {path}"] += 1
        self.routes[f"{method} {route}"] += 1

    def snapshot(self):
        """A JSON-ready copy."""
        return {"total": self.total, "requests": dict(self.requests), "routes": dict(self.routes),
                "connections": self.connections, "api_connections": self.api_connections}


class RateLimiter:
    """Cloudflare's global limit (1,200 requests per 300 s per credential), as a sliding window.

    Requests it refuses do not count, so the client may retry once ``Retry-After`` has passed.
    """

    def __init__(self):
        self.hits = {}

    def hit(self, limit, key, now):
        """Record a request; return None, or the seconds to wait when over the limit."""
        if not limit:
            return None
        allowed, window = limit
        log = self.hits.setdefault(key, collections.deque())
        while log and log[0] <= now - window:
            log.popleft()
        if len(log) >= allowed:
            return max(1, int(math.ceil(log[0] + window - now)))
        log.append(now)
        return None


# ---------------------------------------------------------------------------------------------
# Routing and authentication.
# ---------------------------------------------------------------------------------------------

ACCOUNT = r"^/accounts/(?P<account_id>[^/]+)/rules/lists"
ROUTES = [
    (re.compile(ACCOUNT + r"/bulk_operations/(?P<operation_id>[^/]+)$"), "/accounts/{account_id}/rules/lists/bulk_operations/{operation_id}",
     {"GET": "get_operation"}),
    (re.compile(ACCOUNT + r"$"), "/accounts/{account_id}/rules/lists", {"GET": "get_lists", "POST": "post_list"}),
    (re.compile(ACCOUNT + r"/(?P<list_id>[^/]+)$"), "/accounts/{account_id}/rules/lists/{list_id}",
     {"GET": "get_list", "PUT": "put_list", "DELETE": "delete_list"}),
    (re.compile(ACCOUNT + r"/(?P<list_id>[^/]+)/items$"), "/accounts/{account_id}/rules/lists/{list_id}/items",
     {"GET": "get_items", "POST": "post_items", "PUT": "put_items", "DELETE": "delete_items"}),
    (re.compile(ACCOUNT + r"/(?P<list_id>[^/]+)/items/(?P<item_id>[^/]+)$"), "/accounts/{account_id}/rules/lists/{list_id}/items/{item_id}",
     {"GET": "get_item"}),
]


def match_route(path):
    """(template, methods, params) for an API path, or None."""
    if not path.startswith(API_PREFIX + "/"):
        return None
    rest = path[len(API_PREFIX):]
    for pattern, template, methods in ROUTES:
        found = pattern.match(rest)
        if found:
            return API_PREFIX + template, methods, found.groupdict()
    return None


class Principal:
    """Who is calling: a credential key for the rate limit, a scope and the accounts it may use."""

    def __init__(self, key, scope, accounts):
        self.key = key
        self.scope = scope
        self.accounts = accounts


def header_error(code, text):
    """Cloudflare's 400 for a malformed authentication header."""
    return ApiError(400, [{"code": 6003, "message": "Invalid request headers", "error_chain": [{"code": code, "message": text}]}])


def authenticate(headers, tokens, email, api_key, accounts):
    """The Principal behind a request's headers, or ApiError, as Cloudflare answers."""
    authorization = headers.get("Authorization")
    if authorization is not None:
        found = BEARER_RE.match(authorization.strip())
        if not found:
            raise header_error(6111, "Invalid format for Authorization header")
        token = tokens.get(found.group(1))
        if token is None:
            raise fail(403, E_AUTH)
        return Principal("token:" + found.group(1), token["scope"], {token["account_id"]})
    given_email, given_key = headers.get("X-Auth-Email"), headers.get("X-Auth-Key")
    if not given_email and not given_key:
        raise fail(400, (9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"))
    if not given_email:
        raise fail(400, (9106, "Missing X-Auth-Email header"))
    if not given_key:
        raise fail(400, (9106, "Missing X-Auth-Key header"))
    if "@" not in given_email:
        raise header_error(6102, "Invalid format for X-Auth-Email header")
    if given_email.strip().lower() != email.lower() or given_key.strip() != api_key:
        raise fail(403, E_UNKNOWN_KEY)
    return Principal("email:" + email.lower(), "edit", set(accounts))


def edge_html(status, reason):
    """The HTML page Cloudflare's edge sends instead of JSON for a 429 or 5xx."""
    return (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n")


def json_response(status, body, headers=None):
    """(status, headers, bytes) for a JSON answer."""
    data = json.dumps(body).encode("utf-8")
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return status, all_headers, data


# ---------------------------------------------------------------------------------------------
# HTTP server.
# ---------------------------------------------------------------------------------------------

class SimServer(http.server.ThreadingHTTPServer):
    """Threaded HTTP/1.1 server that counts accepted TCP connections and can drop them all."""

    daemon_threads = True

    def __init__(self, address, sim):
        self.sim = sim
        self.open_sockets = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, SimHandler)

    def get_request(self):
        sock, address = super().get_request()
        # Headers and body leave in two writes; without TCP_NODELAY the body would wait for
        # the client's delayed ACK (40 ms per answer).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.sockets_lock:
            self.open_sockets.add(sock)
        self.sim.count_connection()
        return sock, address

    def shutdown_request(self, request):
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client that hung up (timeouts, resets) is part of the game, not a simulator bug.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)

    def drop_connections(self):
        """Shut down kept-alive connections so their threads end with the server."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SimHandler(http.server.BaseHTTPRequestHandler):
    """Reads one request, lets the simulator answer it, and applies any fault on the way out."""

    protocol_version = "HTTP/1.1"
    timeout = 120
    carried_api_request = False

    def version_string(self):
        return "cloudflare"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.sim.verbose:
            super().log_message(format, *args)

    def do_GET(self):  # pylint: disable=invalid-name
        """Answer a GET."""
        self.dispatch("GET")

    def do_POST(self):  # pylint: disable=invalid-name
        """Answer a POST."""
        self.dispatch("POST")

    def do_PUT(self):  # pylint: disable=invalid-name
        """Answer a PUT."""
        self.dispatch("PUT")

    def do_DELETE(self):  # pylint: disable=invalid-name
        """Answer a DELETE."""
        self.dispatch("DELETE")

    def do_PATCH(self):  # pylint: disable=invalid-name
        """Answer a PATCH (no Lists route takes one)."""
        self.dispatch("PATCH")

    def dispatch(self, method):
        """Route to the admin API or the Cloudflare API, with faults."""
        body = self.read_body()
        if body is None:
            return
        split = urlsplit(self.path)
        sim = self.server.sim
        if split.path.startswith(ADMIN_PREFIX):
            self.send(sim.admin(method, split.path, body))
            return
        request = {"method": method, "path": split.path, "query": parse_qs(split.query, keep_blank_values=True),
                   "headers": self.headers, "body": body}
        fault = sim.begin_request(method, split.path, first_on_connection=not self.carried_api_request, request=request)
        self.carried_api_request = True
        if fault is None:
            self.send(sim.answer(request))
        else:
            self.answer_with_fault(sim, request, fault)

    def answer_with_fault(self, sim, request, fault):
        """Answer a request that a fault hits."""
        kind = fault["kind"]
        processed = None
        if fault["after"] or kind in ("truncate", "operation"):
            processed = sim.answer(request, op_fault=fault if kind == "operation" else None)
        if kind == "reset":
            self.reset_connection()
        elif kind == "slow":
            time.sleep(float(fault["delay"]))
            self.send(processed or sim.answer(request))
        elif kind == "truncate":
            self.send(processed, truncate=True, incomplete=bool(fault.get("incomplete")))
        elif kind == "status":
            self.send(sim.status_fault(fault))
        elif kind == "success_false":
            code_message = (fault.get("code", 10002), fault.get("message", "An internal error occurred, please try again"))
            self.send(json_response(200, envelope(None, [error(code_message)])))
        else:
            self.send(processed)

    def read_body(self):
        """The request body (Content-Length or chunked), or None after answering 413."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            self.send(json_response(413, envelope(None, [error((413, "Request body too large or Content-Length invalid"))])))
            return None
        return self.rfile.read(length) if length else b""

    def read_chunked(self):
        """A chunked request body."""
        chunks = []
        for dummy in range(100000):
            try:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self.close_connection = True
                break
            if not size:
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        return b"".join(chunks)

    def send(self, response, truncate=False, incomplete=False):
        """Write (status, headers, bytes); ``truncate`` sends only the first half of the body."""
        status, headers, data = response
        sent = data[: len(data) // 2] if truncate else data
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("CF-RAY", self.server.sim.ray_id())
        self.send_header("Content-Length", str(len(data) if incomplete else len(sent)))
        if self.close_connection:
            # The client asked to close (or the body could not be read): say so, or it may
            # reuse a socket this side is about to close.
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(sent)
        if incomplete:
            self.close_connection = True

    def reset_connection(self):
        """Close the socket with SO_LINGER 0: the client sees a TCP reset, no answer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


# ---------------------------------------------------------------------------------------------
# The simulator.
# ---------------------------------------------------------------------------------------------

class Simulator:  # pylint: disable=too-many-instance-attributes,too-many-public-methods
    """A Cloudflare Rules Lists API on 127.0.0.1.

    ``clock`` is a callable returning seconds (default ``time.monotonic``); all bulk operation
    timing and the rate limit window use it, so tests can drive time without sleeping, also with
    ``advance(seconds)``.  ``tokens`` maps token -> "edit" or "read" (for ``account_id``).

    ``busy_writes``: Cloudflare has been documented both queueing an item write sent while another
    bulk operation is in progress and refusing it with HTTP 429; "queue" (default) or "reject".
    """

    def __init__(self, account_id=DEFAULT_ACCOUNT_ID, tokens=None, email=DEFAULT_EMAIL, api_key=DEFAULT_API_KEY,
                 clock=None, op_duration=0.5, rate_limit=(1200, 300), max_lists=1000, max_items=10000,
                 per_page_default=25, busy_writes="queue", port=0, verbose=False, seed=None):
        self.account_id = account_id
        self.email = email
        self.api_key = api_key
        self.port = port
        self.verbose = verbose
        self._initial_tokens = dict(tokens if tokens is not None else {DEFAULT_EDIT_TOKEN: "edit", DEFAULT_READ_TOKEN: "read"})
        self._initial_config = {"op_duration": op_duration, "rate_limit": rate_limit, "max_lists": max_lists,
                                "max_items": max_items, "per_page_default": per_page_default, "busy_writes": busy_writes}
        self._clock = clock or time.monotonic
        self._offset = 0.0
        self._epoch = time.time() - self._clock()
        self._random = random.Random(seed)
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self.config = {}
        self.tokens = {}
        self.store = Store(self)
        self.faults = FaultBook()
        self.counters = Counters()
        self.limiter = RateLimiter()
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self):
        """Listen on 127.0.0.1 and serve from a daemon thread; returns self."""
        self._server = SimServer(("127.0.0.1", self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="cloudflare-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and drop open connections."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.drop_connections()
        self._server.server_close()
        self._thread.join(5)
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base(self):
        """``http://127.0.0.1:PORT`` (the admin API is under ``/__sim/``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self):
        """The API base URL, ``http://127.0.0.1:PORT/client/v4``."""
        return self.base + API_PREFIX

    @property
    def api_token(self):
        """The first edit token of the main account."""
        return self._token_for("edit")

    @property
    def read_token(self):
        """The first read-only token of the main account."""
        return self._token_for("read")

    def _token_for(self, scope):
        for token, info in self.tokens.items():
            if info["scope"] == scope and info["account_id"] == self.account_id:
                return token
        return None

    def state(self):
        """What the CLI writes into its state file."""
        return {"url": self.url, "admin_url": self.base + ADMIN_PREFIX.rstrip("/"), "port": self.port, "pid": os.getpid(),
                "account_id": self.account_id, "api_token": self.api_token, "read_token": self.read_token,
                "api_email": self.email, "api_key": self.api_key}

    # -- time and ids ----------------------------------------------------------------------------

    def now(self):
        """The simulator's clock."""
        return self._clock() + self._offset

    def advance(self, seconds):
        """Move the simulator's clock forward (bulk operations and the rate limit window)."""
        with self._lock:
            self._offset += float(seconds)
            return self._offset

    def stamp(self, clock_time):
        """RFC 3339 wall time for a clock time."""
        return rfc3339(self._epoch + clock_time)

    def new_id(self):
        """A Cloudflare-style id: 32 lower-case hex characters."""
        with self._lock:
            return f"{self._random.getrandbits(128):032x}"

    def ray_id(self):
        """A CF-RAY header value."""
        with self._lock:
            return f"{self._random.getrandbits(64):016x}-SIM"

    # -- configuration, seeding and inspection from Python ---------------------------------------

    def reset(self):
        """Back to the state right after construction: no lists, operations, faults, counts."""
        with self._lock:
            self.config = dict(self._initial_config)
            self.tokens = {}
            for token, scope in self._initial_tokens.items():
                self.add_token(token, scope)
            self.store.accounts = {}
            self.add_account(self.account_id)
            self.faults.clear()
            self.counters = Counters()
            self.limiter = RateLimiter()

    def configure(self, **settings):
        """Change any of CONFIG_KEYS: ``op_duration``, ``rate_limit`` ((requests, seconds) or None), ``max_lists``,
        ``max_items``, ``per_page_default``, ``busy_writes`` ("queue" or "reject")."""
        unknown = set(settings) - set(CONFIG_KEYS)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(CONFIG_KEYS)}")
        if settings.get("busy_writes", "queue") not in BUSY_WRITES:
            raise ValueError(f"busy_writes must be one of {', '.join(BUSY_WRITES)}")
        with self._lock:
            for key, value in settings.items():
                self.config[key] = tuple(value) if key == "rate_limit" and value else value
            return dict(self.config)

    def add_account(self, account_id):
        """Create another (empty) account; the global key owns every account."""
        if not ID_RE.match(account_id):
            raise ValueError(f"account ids are 32 lower-case hex characters: {account_id!r}")
        with self._lock:
            self.store.accounts.setdefault(account_id, Account(account_id))

    def add_token(self, token, scope="edit", account_id=None):
        """Accept a bearer token with scope "edit" or "read" for one account."""
        if scope not in ("edit", "read") or not BEARER_RE.match("Bearer " + token):
            raise ValueError(f"bad token or scope: {token!r} {scope!r}")
        with self._lock:
            self.tokens[token] = {"scope": scope, "account_id": account_id or self.account_id}

    def add_faults(self, faults):
        """Queue one fault (dict) or several (list); see ``normalize_fault`` for their keys."""
        with self._lock:
            return self.faults.add(faults)

    def add_fault(self, kind, **spec):
        """Queue one fault: ``add_fault("status", status=503, body="html", count=2)``."""
        spec["kind"] = kind
        return self.add_faults(spec)[0]

    def clear_faults(self):
        """Forget every waiting fault."""
        with self._lock:
            self.faults.clear()

    def pending_faults(self):
        """The waiting faults."""
        with self._lock:
            return copy.deepcopy(self.faults.faults)

    def get_counters(self):
        """{"total", "requests": {"METHOD /path": n}, "routes": {"METHOD /template": n}, "connections", "api_connections"}."""
        with self._lock:
            return self.counters.snapshot()

    def reset_counters(self):
        """Zero the request and connection counters."""
        with self._lock:
            self.counters = Counters()

    def count_connection(self):
        """Called by the server for each accepted TCP connection."""
        with self._lock:
            self.counters.connections += 1

    def _account(self, account_id):
        account = self.store.accounts.get(account_id or self.account_id)
        if account is None:
            raise KeyError(f"no account {account_id}")
        self.store.settle(account, self.now())
        return account

    def add_operation(self, account_id=None, duration=None, fail_with=None):
        """Queue a bulk operation that changes nothing and ends completed, or failed with ``fail_with``."""
        with self._lock:
            account = self._account(account_id)
            fault = {"duration": self.config["op_duration"] if duration is None else duration, "fail_with": fail_with}
            return self.store.submit(account, None, "seeded", None, self.now(), op_fault=fault)

    def operation(self, operation_id, account_id=None):
        """An operation's answer now, as the API gives it."""
        with self._lock:
            return self._account(account_id).operations[operation_id].as_json(self.now())

    def create_list(self, name, kind, description="", account_id=None, items=None):
        """Create a list directly (validated as the API does), optionally with items; returns the list object."""
        with self._lock:
            account = self._account(account_id)
            lst = self.store.create_list(account, {"name": name, "kind": kind, "description": description})
            if items:
                self.add_items(lst.id, items, account.id)
            return lst.as_json()

    def add_items(self, list_id, items, account_id=None):
        """Append items to a list at once, bypassing the queue; raises ValueError if Cloudflare would refuse them."""
        with self._lock:
            account = self._account(account_id)
            for raw in items:
                try:
                    check_item_types(raw)
                except ApiError as exc:
                    raise ValueError(f"malformed item {raw!r}") from exc
            try:
                self.store.apply(account, Operation(None, list_id, "append", items, 0, None, self.now()), self.stamp(self.now()))
            except OperationFailed as exc:
                raise ValueError(str(exc)) from None
            return list(copy.deepcopy(account.lists[list_id].items).values())

    def get_lists(self, account_id=None):
        """Every list object of an account."""
        with self._lock:
            return [lst.as_json() for lst in self._account(account_id).lists.values()]

    def get_items(self, list_id, account_id=None):
        """Every item of a list, in order."""
        with self._lock:
            return copy.deepcopy(list(self._account(account_id).lists[list_id].items.values()))

    def set_referencing_filters(self, list_id, count, account_id=None):
        """Pretend ``count`` filters use the list (a used list cannot be deleted)."""
        with self._lock:
            self._account(account_id).lists[list_id].referencing_filters = count

    # -- the API ---------------------------------------------------------------------------------

    def begin_request(self, method, path, first_on_connection=False, request=None):
        """Count an API request and return the fault that hits it, if any.

        The request keeps the rate limiter of the moment it arrived: one that a
        slow fault holds past a reset must not count against the next test.
        """
        route = match_route(path)
        with self._lock:
            if request is not None:
                request["limiter"] = self.limiter
            self.counters.count(method, path, route[0] if route else "unknown")
            self.counters.api_connections += int(first_on_connection)
            return self.faults.take(method, path)

    def answer(self, request, op_fault=None):
        """(status, headers, bytes) for one API request."""
        try:
            with self._lock:
                return json_response(200, self._answer(request, op_fault))
        except ApiError as exc:
            return json_response(exc.status, envelope(None, exc.errors), exc.headers)

    def _answer(self, request, op_fault):
        route = match_route(request["path"])
        if route is None:
            raise fail(404, E_NO_ROUTE)
        template, methods, params = route
        handler = methods.get(request["method"])
        if handler is None:
            raise fail(405, (7001, f"Method {request['method']} not available for that URI."))
        now = self.now()
        principal = self._check_rate_and_auth(request["headers"], now, request.get("limiter") or self.limiter)
        account = self._authorize(principal, params, request)
        self.store.settle(account, now)
        request.update(account=account, params=params, now=now, op_fault=op_fault, template=template)
        return getattr(self, "api_" + handler)(request)

    def _check_rate_and_auth(self, headers, now, limiter):
        key = headers.get("Authorization") or headers.get("X-Auth-Email") or "anonymous"
        wait = limiter.hit(self.config["rate_limit"], key, now)
        if wait is not None:
            raise ApiError(429, [error(E_RATE_LIMITED_API)], {"Retry-After": str(wait)})
        return authenticate(headers, self.tokens, self.email, self.api_key, self.store.accounts)

    def _authorize(self, principal, params, request):
        account_id = params["account_id"]
        if not ID_RE.match(account_id):
            raise not_routable(request["path"])
        if account_id not in principal.accounts or (principal.scope == "read" and request["method"] != "GET"):
            raise fail(403, E_AUTH)
        account = self.store.accounts.get(account_id)
        if account is None:
            raise not_routable(request["path"])
        return account

    def _list(self, request):
        lst = request["account"].lists.get(request["params"]["list_id"])
        if lst is None:
            raise not_routable(request["path"])
        return lst

    @staticmethod
    def _json_body(request):
        try:
            return json.loads(request["body"].decode("utf-8"))
        except ValueError:
            raise fail(400, E_INVALID_JSON) from None

    def api_get_lists(self, request):
        """GET /accounts/{a}/rules/lists."""
        return envelope([lst.as_json() for lst in request["account"].lists.values()])

    def api_post_list(self, request):
        """POST /accounts/{a}/rules/lists."""
        return envelope(self.store.create_list(request["account"], self._json_body(request)).as_json())

    def api_get_list(self, request):
        """GET /accounts/{a}/rules/lists/{list_id}."""
        return envelope(self._list(request).as_json())

    def api_put_list(self, request):
        """PUT /accounts/{a}/rules/lists/{list_id}: only the description can change."""
        lst = self._list(request)
        body = self._json_body(request)
        if not isinstance(body, dict) or set(body) - {"description"}:
            raise fail(400, E_INVALID_JSON)
        check_description(body.get("description"))
        lst.description = body.get("description") or ""
        lst.modified_on = self.stamp(request["now"])
        return envelope(lst.as_json())

    def api_delete_list(self, request):
        """DELETE /accounts/{a}/rules/lists/{list_id}."""
        lst = self._list(request)
        if lst.referencing_filters:
            raise fail(400, E_LIST_IN_USE)
        del request["account"].lists[lst.id]
        return envelope({"id": lst.id})

    def api_get_items(self, request):
        """GET /accounts/{a}/rules/lists/{list_id}/items with cursor, per_page and search."""
        lst = self._list(request)
        query = {key: values[-1] for key, values in request["query"].items()}
        try:
            per_page = int(query.get("per_page") or self.config["per_page_default"])
        except ValueError:
            per_page = 0
        if not 1 <= per_page <= 500:
            raise fail(400, E_INVALID_PER_PAGE)
        offset = decode_cursor(lst.id, query["cursor"]) if query.get("cursor") else 0
        items = [item for item in lst.items.values() if not query.get("search") or item_matches(lst.kind, item, query["search"])]
        cursors = {}
        if offset + per_page < len(items):
            cursors["after"] = encode_cursor(lst.id, offset + per_page)
        if offset:
            cursors["before"] = encode_cursor(lst.id, max(0, offset - per_page))
        return envelope(copy.deepcopy(items[offset:offset + per_page]), result_info={"cursors": cursors})

    def api_get_item(self, request):
        """GET /accounts/{a}/rules/lists/{list_id}/items/{item_id}."""
        item = self._list(request).items.get(request["params"]["item_id"])
        if item is None:
            raise not_routable(request["path"])
        return envelope(copy.deepcopy(item))

    def _write_items(self, request, action):
        lst = self._list(request)
        body = self._json_body(request)
        if action == "delete":
            entries = body.get("items") if isinstance(body, dict) and set(body) == {"items"} else None
            if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) and isinstance(e.get("id"), str) for e in entries):
                raise fail(400, E_INVALID_JSON)
            payload = [{"id": e["id"]} for e in entries]
        else:
            if not isinstance(body, list):
                raise fail(400, E_INVALID_JSON)
            for raw in body:
                check_item_types(raw)
            payload = body
        if self.config["busy_writes"] == "reject" and request["account"].queue:
            raise fail(429, E_BUSY)
        op_id = self.store.submit(request["account"], lst.id, action, payload, request["now"], request["op_fault"])
        return envelope({"operation_id": op_id})

    def api_post_items(self, request):
        """POST .../items: append (asynchronous)."""
        return self._write_items(request, "append")

    def api_put_items(self, request):
        """PUT .../items: replace every item (asynchronous)."""
        return self._write_items(request, "replace")

    def api_delete_items(self, request):
        """DELETE .../items with {"items": [{"id"}]} (asynchronous)."""
        return self._write_items(request, "delete")

    def api_get_operation(self, request):
        """GET /accounts/{a}/rules/lists/bulk_operations/{operation_id}."""
        op = request["account"].operations.get(request["params"]["operation_id"])
        if op is None:
            raise not_routable(request["path"])
        return envelope(op.as_json(request["now"]))

    def status_fault(self, fault):
        """The answer of a "status" fault: JSON or HTML, with Retry-After headers as asked."""
        status = int(fault["status"])
        headers = {}
        if fault.get("retry_after") is not None:
            seconds = int(fault["retry_after"])
            if fault["retry_after_format"] == "http-date":
                headers["Retry-After"] = email.utils.formatdate(self._epoch + self.now() + seconds, usegmt=True)
            else:
                headers["Retry-After"] = str(seconds)
        if fault.get("retry_after_ms") is not None:
            headers["retry-after-ms"] = str(fault["retry_after_ms"])
        reason = http.server.BaseHTTPRequestHandler.responses.get(status, ("Error",))[0]
        if fault["body"] == "html":
            headers["Content-Type"] = "text/html; charset=UTF-8"
            return status, headers, edge_html(status, reason).encode("utf-8")
        code, text = JSON_FAULT_ERRORS.get(status, (10000 + status, reason))
        return json_response(status, envelope(None, [error((fault.get("code", code), fault.get("message", text)))]), headers)

    # -- the admin API -----------------------------------------------------------------------

    def admin(self, method, path, body):
        """Answer ``/__sim/...``: plain JSON, no authentication, not counted."""
        route = f"{method} {path[len(ADMIN_PREFIX) - 1:].rstrip('/')}"
        handler = ADMIN_ROUTES.get(route)
        if handler is None:
            return json_response(404, {"error": f"no admin route {route}", "routes": sorted(ADMIN_ROUTES)})
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
            return json_response(200, getattr(self, handler)(data))
        except (ValueError, TypeError, KeyError) as exc:
            return json_response(400, {"error": str(exc)})

    def admin_state(self, data):
        """GET /__sim/state."""
        del data
        return self.state()

    def admin_get_faults(self, data):
        """GET /__sim/faults."""
        del data
        return {"faults": self.pending_faults()}

    def admin_add_faults(self, data):
        """POST /__sim/faults with a fault object or a list of them."""
        self.add_faults(data)
        return {"faults": self.pending_faults()}

    def admin_clear_faults(self, data):
        """DELETE /__sim/faults."""
        del data
        self.clear_faults()
        return {"faults": []}

    def admin_counters(self, data):
        """GET /__sim/counters."""
        del data
        return self.get_counters()

    def admin_reset_counters(self, data):
        """DELETE /__sim/counters."""
        del data
        self.reset_counters()
        return self.get_counters()

    def admin_reset(self, data):
        """POST /__sim/reset."""
        del data
        self.reset()
        return {"reset": True}

    def admin_add_operation(self, data):
        """POST /__sim/operations {"duration", "fail_with", "account_id"} -> {"id"}."""
        return {"id": self.add_operation(data.get("account_id"), data.get("duration"), data.get("fail_with"))}

    def admin_get_config(self, data):
        """GET /__sim/config."""
        del data
        with self._lock:
            return dict(self.config)

    def admin_configure(self, data):
        """POST /__sim/config with any of CONFIG_KEYS."""
        return self.configure(**data)

    def admin_advance(self, data):
        """POST /__sim/advance {"seconds"}: move the clock forward."""
        return {"offset": self.advance(data["seconds"])}

    def admin_create_list(self, data):
        """POST /__sim/lists {"name", "kind", "description"?, "items"?, "account_id"?}: seed a list."""
        return self.create_list(data["name"], data["kind"], data.get("description", ""), data.get("account_id"), data.get("items"))


ADMIN_ROUTES = {
    "GET /state": "admin_state",
    "GET /faults": "admin_get_faults",
    "POST /faults": "admin_add_faults",
    "DELETE /faults": "admin_clear_faults",
    "GET /counters": "admin_counters",
    "DELETE /counters": "admin_reset_counters",
    "POST /reset": "admin_reset",
    "POST /operations": "admin_add_operation",
    "GET /config": "admin_get_config",
    "POST /config": "admin_configure",
    "POST /advance": "admin_advance",
    "POST /lists": "admin_create_list",
}


# ---------------------------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------------------------

def parse_args(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description="Cloudflare Rules Lists API simulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--lifetime", type=float, default=600.0, help="exit after this many seconds")
    parser.add_argument("--state-file", help="write url, pid and credentials here as JSON once listening")
    parser.add_argument("--token", action="append", default=[], metavar="T[:edit|:read]", help="accept this bearer token (repeatable)")
    parser.add_argument("--email", default=DEFAULT_EMAIL, help="X-Auth-Email of the global API key")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="X-Auth-Key (global API key)")
    parser.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="the account id (32 lower-case hex)")
    parser.add_argument("--op-duration", type=float, default=0.5, help="seconds each bulk operation runs")
    parser.add_argument("--rate-limit", default="1200/300", help="REQUESTS/SECONDS per credential, or 'off'")
    parser.add_argument("--max-lists", type=int, default=1000, help="lists per account")
    parser.add_argument("--max-items", type=int, default=10000, help="list items per account")
    parser.add_argument("--busy-writes", choices=BUSY_WRITES, default="queue",
                        help="an item write while a bulk operation is in progress: queue it, or refuse it with 429")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    return parser.parse_args(argv)


def parse_tokens(specs):
    """{token: scope} from ``T``, ``T:edit`` and ``T:read``; None keeps the default tokens."""
    if not specs:
        return None
    tokens = {}
    for spec in specs:
        token, sep, scope = spec.rpartition(":")
        if not sep or scope not in ("edit", "read"):
            token, scope = spec, "edit"
        tokens[token] = scope
    return tokens


def write_state_file(path, state):
    """Write the state file atomically (readers never see half of it)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp_path = tempfile.mkstemp(prefix=".cloudflare-sim-", dir=directory)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(state, stream, indent=2)
        stream.write("\n")
    os.replace(temp_path, path)


def main(argv=None):
    """Run the simulator until its lifetime ends or it gets SIGTERM/SIGINT."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rate_limit = None if args.rate_limit == "off" else tuple(float(part) for part in args.rate_limit.split("/"))
    sim = Simulator(account_id=args.account_id, tokens=parse_tokens(args.token), email=args.email, api_key=args.api_key,
                    op_duration=args.op_duration, rate_limit=rate_limit, max_lists=args.max_lists, max_items=args.max_items,
                    busy_writes=args.busy_writes, port=args.port, verbose=args.verbose)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *unused: stop.set())
    sim.start()
    try:
        if args.state_file:
            write_state_file(args.state_file, sim.state())
        if args.verbose:
            sys.stderr.write(f"cloudflare simulator listening on {sim.url}\n")
        stop.wait(args.lifetime)
    finally:
        sim.stop()
        if args.state_file and os.path.exists(args.state_file):
            os.remove(args.state_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
