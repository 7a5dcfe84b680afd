# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Simulator: lifecycle, clock and ids, settings, and the Python API for tests."""

import copy
import os
import random
import threading
import time

from .admin import AdminMixin
from .api import ApiMixin, match_route
from .common import ADMIN_PREFIX, API_PREFIX, BEARER_RE, DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, DEFAULT_EDIT_TOKEN, DEFAULT_EMAIL
from .common import DEFAULT_READ_TOKEN, ID_RE, ApiError, OperationFailed, rfc3339
from .faults import Counters, FaultBook, RateLimiter
from .items import check_item_types, copy_item
from .ruleset_store import RulesetStore
from .rulesets_api import RulesetsMixin
from .server import SimServer
from .settings import DEFAULTS, check_settings
from .state import Account, Operation, Store
from .zones import DEFAULT_ZONE_ID, DEFAULT_ZONE_NAME


RULESET_SETTINGS = ("entrypoint_missing", "entrypoint_race", "answer_extras", "patch_same_version", "missing_list_error",
                    "max_rules_per_phase")
RULESET_DEFAULTS = {key: DEFAULTS[key] for key in RULESET_SETTINGS}


class Simulator(ApiMixin, RulesetsMixin, AdminMixin):  # pylint: disable=too-many-instance-attributes,too-many-public-methods
    """A Cloudflare Rules Lists, Rulesets and List Zones API on 127.0.0.1.

    ``clock`` is a callable returning seconds (default ``time.monotonic``); all bulk operation
    timing and the rate limit window use it, so tests can drive time without sleeping, also with
    ``advance(seconds)``.  ``tokens`` maps token -> "edit" or "read" (for ``account_id``).

    Settings (also ``configure(...)``, ``POST /__sim/config``; ``reset()`` returns to these):
    ``op_duration`` (0.5 s), ``rate_limit`` ((1200, 300) or None), ``max_lists`` (1000), ``max_items``
    (10000, per account), ``per_page_default`` (25), and Cloudflare's undocumented behaviours, each
    defaulting to its stricter variant (see ``settings``):

    - ``busy_writes``: "reject" (default) or "queue" an item write sent while another bulk operation
      of the account is pending or running;
    - ``busy_status``: 400 (default) or 429 (with Retry-After: 1) for that refusal;
    - ``duplicate_append``: "refuse" (default: the operation fails), "ignore" or "update" a value
      already in the list or already earlier in the same body;
    - ``ipv4_host32``: "address" (default: ``192.0.2.1/32`` stored as ``192.0.2.1``) or "cidr";
    - ``ipv6_address``: "address" (default), "slash64" or "refuse" for an individual IPv6 address;
    - ``host_bits``: "refuse" (default), "network" or "as_given" for ``10.0.0.1/24``;
    - ``max_write_items``: None (default) or the most items one write body holds (over it: 413);
    - rulesets: ``entrypoint_missing`` ("404" | "empty"), ``entrypoint_race`` (False | True),
      ``answer_extras`` ("add" | "none"), ``patch_same_version`` ("new" | "same"),
      ``missing_list_error`` ("unknown_list" | "filter_parse"), ``max_rules_per_phase`` (1000 or None).

    Zone ``example.com`` (``DEFAULT_ZONE_ID``, ``sim.zone_id``) of the main account is always there.
    """

    def __init__(self, account_id=DEFAULT_ACCOUNT_ID, tokens=None, email=DEFAULT_EMAIL, api_key=DEFAULT_API_KEY,  # pylint: disable=too-many-arguments
                 clock=None, op_duration=0.5, rate_limit=(1200, 300), max_lists=1000, max_items=10000,
                 per_page_default=25, busy_writes="reject", port=0, verbose=False, seed=None, *, busy_status=400,
                 duplicate_append="refuse", ipv4_host32="address", ipv6_address="address", host_bits="refuse", max_write_items=None,
                 **ruleset_settings):
        self.account_id = account_id
        self.email = email
        self.api_key = api_key
        self.port = port
        self.verbose = verbose
        self._initial_tokens = dict(tokens if tokens is not None else {DEFAULT_EDIT_TOKEN: "edit", DEFAULT_READ_TOKEN: "read"})
        self._initial_config = check_settings({
            "op_duration": op_duration, "rate_limit": rate_limit, "max_lists": max_lists, "max_items": max_items,
            "per_page_default": per_page_default, "busy_writes": busy_writes, "busy_status": busy_status,
            "duplicate_append": duplicate_append, "ipv4_host32": ipv4_host32, "ipv6_address": ipv6_address,
            "host_bits": host_bits, "max_write_items": max_write_items})
        self._initial_config.update(check_settings(dict(RULESET_DEFAULTS, **ruleset_settings)))
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
        self.rulesets = RulesetStore(self)
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
                "api_email": self.email, "api_key": self.api_key, "zone_id": DEFAULT_ZONE_ID, "zone_name": DEFAULT_ZONE_NAME}

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

    def new_ids(self, count):
        """``count`` new ids at once (bulk writes)."""
        with self._lock:
            bits = self._random.getrandbits
            return [f"{bits(128):032x}" for dummy in range(count)]

    def ray_id(self):
        """A CF-RAY header value."""
        with self._lock:
            return f"{self._random.getrandbits(64):016x}-SIM"

    # -- configuration, seeding and inspection from Python ---------------------------------------

    def reset(self):
        """Back to the state right after construction: no lists, operations, faults, counts; the initial settings."""
        with self._lock:
            self.config = dict(self._initial_config)
            self.tokens = {}
            for token, scope in self._initial_tokens.items():
                self.add_token(token, scope)
            self.store.accounts = {}
            self.add_account(self.account_id)
            self.rulesets.clear()
            self.rulesets.add_zone(DEFAULT_ZONE_ID, DEFAULT_ZONE_NAME, self.account_id)
            self.faults.clear()
            self.counters = Counters()
            self.limiter = RateLimiter()

    def configure(self, **settings):
        """Change settings and return them all; ValueError names an unknown setting or a bad value.

        ``op_duration``, ``rate_limit`` ((requests, seconds) or None), ``max_lists``, ``max_items``,
        ``per_page_default``, ``busy_writes`` ("reject" | "queue"), ``busy_status`` (400 | 429),
        ``duplicate_append`` ("refuse" | "ignore" | "update"), ``ipv4_host32`` ("address" | "cidr"),
        ``ipv6_address`` ("address" | "slash64" | "refuse"), ``host_bits`` ("refuse" | "network" |
        "as_given"), ``max_write_items`` (None or a positive integer).  See the class docstring.
        """
        checked = check_settings(settings)
        with self._lock:
            self.config.update(checked)
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
        """Queue one fault (dict) or several (list); see ``faults.normalize_fault`` for their keys."""
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
        """{"total", "requests": {"METHOD /path": n}, "routes": {"METHOD /template": n}, "statuses": {"429": n},
        "connections", "api_connections"}."""
        with self._lock:
            return self.counters.snapshot()

    def reset_counters(self):
        """Zero the request and connection counters."""
        with self._lock:
            self.counters = Counters()

    def count_status(self, status):
        """Called by the server with the status of each API answer it sends."""
        with self._lock:
            self.counters.answered(status)

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
                self._append_now(account, lst.id, items)
            return lst.as_json()

    def add_items(self, list_id, items, account_id=None):
        """Append items to a list at once, bypassing the queue (settings apply); ValueError if Cloudflare would refuse them.

        Returns every item of the list.
        """
        with self._lock:
            account = self._account(account_id)
            self._append_now(account, list_id, items)
            return self.get_items(list_id, account.id)

    def _append_now(self, account, list_id, items):
        for raw in items:
            try:
                check_item_types(raw)
            except ApiError as exc:
                raise ValueError(f"malformed item {raw!r}") from exc
        try:
            self.store.apply(account, Operation(None, list_id, "append", items, 0, None, self.now()), self.stamp(self.now()))
        except OperationFailed as exc:
            raise ValueError(str(exc)) from None

    def get_lists(self, account_id=None):
        """Every list object of an account."""
        with self._lock:
            return [lst.as_json() for lst in self._account(account_id).lists.values()]

    def get_items(self, list_id, account_id=None):
        """Every item of a list, in order (copies)."""
        with self._lock:
            lst = self._account(account_id).lists[list_id]
            return [copy_item(lst.items[item_id]) for item_id in lst.order]

    def set_referencing_filters(self, list_id, count, account_id=None):
        """Pretend ``count`` filters use the list (a used list cannot be deleted)."""
        with self._lock:
            self._account(account_id).lists[list_id].referencing_filters = count

    # -- requests --------------------------------------------------------------------------------

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
