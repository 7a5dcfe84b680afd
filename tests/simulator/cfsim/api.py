# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Cloudflare API's answers: routing, authentication, and one method per route (mixed into Simulator)."""

import http.server
import json
import re
from email.utils import formatdate

from .common import API_PREFIX, BEARER_RE, E_AUTH, E_BUSY, E_INVALID_JSON, E_INVALID_PER_PAGE, E_LIST_IN_USE, E_NO_ROUTE, E_RATE_LIMITED_API
from .common import E_TOO_MANY_ITEMS, E_UNKNOWN_KEY, ID_RE, JSON_FAULT_ERRORS, ApiError, edge_html, envelope, error, fail, json_response
from .common import not_routable
from .items import check_item_types
from .rulesets_api import RULESET_ROUTES
from .state import check_description, decode_cursor, encode_cursor

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
] + RULESET_ROUTES


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


class Principal:  # pylint: disable=too-few-public-methods
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


class ApiMixin:
    """The API methods of Simulator (``self`` is the Simulator; everything runs under its lock)."""

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
        if account is not None:
            self.store.settle(account, now)
        request.update(account=account, params=params, now=now, op_fault=op_fault, template=template, principal=principal)
        return getattr(self, "api_" + handler)(request)

    def _check_rate_and_auth(self, headers, now, limiter):
        key = headers.get("Authorization") or headers.get("X-Auth-Email") or "anonymous"
        wait = limiter.hit(self.config["rate_limit"], key, now)
        if wait is not None:
            raise ApiError(429, [error(E_RATE_LIMITED_API)], {"Retry-After": str(wait)})
        return authenticate(headers, self.tokens, self.email, self.api_key, self.store.accounts)

    def _authorize(self, principal, params, request):
        """The account a request works on (None for GET /zones), or ApiError (403 for a write with a read token)."""
        if principal.scope == "read" and request["method"] != "GET":
            raise fail(403, E_AUTH)
        if "zone_id" in params:
            zone = self.rulesets.zones.get(params["zone_id"])
            if zone is None:
                raise not_routable(request["path"])
            account_id = zone.account_id
        elif "account_id" in params:
            account_id = params["account_id"]
        else:
            return None
        if not ID_RE.match(account_id):
            raise not_routable(request["path"])
        if account_id not in principal.accounts:
            raise fail(403, E_AUTH)
        account = self.store.accounts.get(account_id)
        if account is None:
            raise not_routable(request["path"])
        return account

    @staticmethod
    def _list(request):
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
        """GET /accounts/{a}/rules/lists/{list_id}/items with cursor, per_page and search; O(per_page) per page."""
        lst = self._list(request)
        query = {key: values[-1] for key, values in request["query"].items()}
        try:
            per_page = int(query.get("per_page") or self.config["per_page_default"])
        except ValueError:
            per_page = 0
        if not 1 <= per_page <= 500:
            raise fail(400, E_INVALID_PER_PAGE)
        offset = decode_cursor(lst.id, query["cursor"]) if query.get("cursor") else 0
        items, total = lst.page(offset, per_page, query.get("search"))
        cursors = {}
        if offset + per_page < total:
            cursors["after"] = encode_cursor(lst.id, offset + per_page)
        if offset:
            cursors["before"] = encode_cursor(lst.id, max(0, offset - per_page))
        # Stored items are never changed in place and the answer is serialized under the lock: no copy needed.
        return envelope(items, result_info={"cursors": cursors})

    def api_get_item(self, request):
        """GET /accounts/{a}/rules/lists/{list_id}/items/{item_id}."""
        item = self._list(request).items.get(request["params"]["item_id"])
        if item is None:
            raise not_routable(request["path"])
        return envelope(item)

    def _write_items(self, request, action):
        """Check an item write, refuse it (too many items, busy account) or queue its bulk operation."""
        lst = self._list(request)
        body = self._json_body(request)
        if action == "delete":
            entries = body.get("items") if isinstance(body, dict) and set(body) == {"items"} else None
            if not isinstance(entries, list) or not entries:
                raise fail(400, E_INVALID_JSON)
        elif not isinstance(body, list):
            raise fail(400, E_INVALID_JSON)
        else:
            entries = body
        limit = self.config["max_write_items"]
        if limit is not None and len(entries) > limit:
            raise fail(413, E_TOO_MANY_ITEMS, f"too many items in one request: {len(entries)} given, at most {limit} items per request")
        if action == "delete":
            if not all(isinstance(entry, dict) and isinstance(entry.get("id"), str) for entry in entries):
                raise fail(400, E_INVALID_JSON)
            payload = [{"id": entry["id"]} for entry in entries]
        else:
            for raw in entries:
                check_item_types(raw)
            payload = entries
        if self.config["busy_writes"] == "reject" and request["account"].queue:
            status = self.config["busy_status"]
            raise fail(status, E_BUSY, headers={"Retry-After": "1"} if status == 429 else None)
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
                headers["Retry-After"] = formatdate(self._epoch + self.now() + seconds, usegmt=True)
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
