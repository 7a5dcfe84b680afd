# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults waiting for requests, request and connection counters, and the rate limiter."""

import collections
import math

FAULT_KINDS = ("status", "reset", "slow", "truncate", "success_false", "operation")


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
    """Requests per method and path, per route, in total; answers per HTTP status; TCP connections.

    ``statuses`` counts the API answers sent, by status (``{"200": n, "429": m}``): a request
    answered with a TCP reset has none. ``connections`` counts every accepted TCP connection,
    ``api_connections`` those that carried at least one API request (admin calls on their own
    connections do not add to it).
    """

    def __init__(self):
        self.total = 0
        self.requests = collections.Counter()
        self.routes = collections.Counter()
        self.statuses = collections.Counter()
        self.connections = 0
        self.api_connections = 0

    def count(self, method, path, route):
        """Record one API request."""
        self.total += 1
        self.requests[f"{method} {path}"] += 1
        self.routes[f"{method} {route}"] += 1

    def answered(self, status):
        """Record the status of one API answer."""
        self.statuses[str(status)] += 1

    def snapshot(self):
        """A JSON-ready copy."""
        return {"total": self.total, "requests": dict(self.requests), "routes": dict(self.routes),
                "statuses": dict(self.statuses), "connections": self.connections, "api_connections": self.api_connections}


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
