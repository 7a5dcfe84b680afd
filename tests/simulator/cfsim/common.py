# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Constants, error codes and texts, and the answer envelope.

Error codes 971, 6003/6102/6111, 7000, 7001, 7003, 9103, 9106, 10000, 10026, 10031 and 10100 and their
texts are Cloudflare's own, and so is the text of 10108.  Cloudflare documents no code for the
remaining errors (bad list name, duplicate name, list limit, paging parameters, a write refused
while another runs, too many items in one request), so the simulator uses its own codes from
10101 upwards for them, with texts that say what is wrong.
"""

import datetime
import json
import re

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
# Large enough for a delete of 500,000 ids ({"id": "<32 hex>"} is 44 bytes each).
MAX_BODY_BYTES = 64 * 1024 * 1024

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
# The text is the API reference's sentence for append, replace and delete; the code is the simulator's.
E_BUSY = (10108, "There is a limit of 1 pending bulk operation per account; an outstanding bulk operation is in progress")
E_TOO_MANY_ITEMS = (10109, "too many items in one request")
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


def fail(status, code_message, message=None, headers=None, **extra):
    """Build an ApiError with a single error object."""
    return ApiError(status, [error(code_message, message, **extra)], headers)


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


def json_response(status, body, headers=None):
    """(status, headers, bytes) for a JSON answer."""
    data = json.dumps(body).encode("utf-8")
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return status, all_headers, data


def edge_html(status, reason):
    """The HTML page Cloudflare's edge sends instead of JSON for a 429 or 5xx."""
    return (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n")


def rfc3339(epoch):
    """RFC 3339 UTC timestamp with microseconds, like Cloudflare's ``2026-11-22T18:53:00.123456Z``."""
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
