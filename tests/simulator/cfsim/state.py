# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""State: accounts, lists, items, bulk operations.  Every method runs under Simulator._lock.

A list keeps its items in a dict by id, their answer order in a Python list (creation order),
and an index from each item's key (its value, see ``items``) to its id.  So a page is a slice,
O(page) however long the list, and a bulk write costs O(items written), plus O(list) for a
replace or a delete.  Stored item dicts are never changed in place (a change stores a new dict),
so answers can be serialized without copying them.
"""

import base64
import json

from .common import E_DUPLICATE_NAME, E_INVALID_CURSOR, E_INVALID_DESCRIPTION, E_INVALID_JSON, E_INVALID_KIND, E_INVALID_NAME, E_LIST_LIMIT
from .common import KINDS, NAME_RE, OP_ITEM_LIMIT, OP_LIST_GONE, OperationFailed, fail
from .items import item_matches, normalize_item, shown

SEARCH_CACHE_SIZE = 16


class ListRecord:  # pylint: disable=too-many-instance-attributes
    """One Rules List and its items (in creation order)."""

    def __init__(self, list_id, name, kind, description, stamp):
        self.id = list_id
        self.name = name
        self.kind = kind
        self.description = description
        self.created_on = stamp
        self.modified_on = stamp
        self.referencing_filters = 0
        self.items = {}
        self.order = []
        self.keys = {}
        self.version = 0
        self._searches = {}

    def as_json(self):
        """The list object Cloudflare answers."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "description": self.description,
            "num_items": len(self.items), "num_referencing_filters": self.referencing_filters,
            "created_on": self.created_on, "modified_on": self.modified_on,
        }

    def changed(self, stamp):
        """Record a change of the items at ``stamp``."""
        self.version += 1
        self._searches = {}
        self.modified_on = stamp

    def ids(self, search=None):
        """The ids in answer order, optionally only those matching ``search`` (cached until the items change)."""
        if not search:
            return self.order
        found = self._searches.get(search)
        if found is None:
            if len(self._searches) >= SEARCH_CACHE_SIZE:
                self._searches = {}
            found = [item_id for item_id in self.order if item_matches(self.kind, self.items[item_id], search)]
            self._searches[search] = found
        return found

    def page(self, offset, per_page, search=None):
        """(items from ``offset``, at most ``per_page`` of them, number of matching items); O(per_page) without search."""
        ids = self.ids(search)
        return [self.items[item_id] for item_id in ids[offset:offset + per_page]], len(ids)


class Operation:  # pylint: disable=too-many-instance-attributes
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
        self.lists = {}
        self.operations = {}
        self.queue = []
        self.free_at = None

    def total_items(self, excluding=None):
        """Items held by all lists of the account, optionally without one list."""
        return sum(len(lst.items) for lst in self.lists.values() if lst is not excluding)


def make_item(kind, item_id, value, comment, created_on, modified_on):
    """A stored item, its keys in Cloudflare's order."""
    item = {"id": item_id, kind: value}
    if comment is not None:
        item["comment"] = comment
    item["created_on"] = created_on
    item["modified_on"] = modified_on
    return item


class Store:
    """Accounts and everything in them; time and settings come from the simulator."""

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
        op.payload = None

    def apply(self, account, op, stamp):
        """Change a list's items as one bulk write; all or nothing."""
        lst = account.lists.get(op.list_id)
        if lst is None:
            raise OperationFailed(OP_LIST_GONE)
        if op.action == "delete":
            doomed = {entry["id"] for entry in op.payload}
            lst.items = {item_id: item for item_id, item in lst.items.items() if item_id not in doomed}
            lst.order = [item_id for item_id in lst.order if item_id not in doomed]
            lst.keys = {key: item_id for key, item_id in lst.keys.items() if item_id not in doomed}
            lst.changed(stamp)
            return
        append = op.action == "append"
        new, updates = self.plan(lst, op.payload, append)
        count = (len(lst.items) if append else 0) + len(new)
        if count > len(lst.items) and account.total_items(excluding=lst) + count > self.sim.config["max_items"]:
            raise OperationFailed(OP_ITEM_LIMIT)
        if not append:
            lst.items, lst.order, lst.keys = {}, [], {}
        kind = lst.kind
        for item_id, (value, comment) in updates.items():
            lst.items[item_id] = make_item(kind, item_id, value, comment, lst.items[item_id]["created_on"], stamp)
        new_ids = self.sim.new_ids(len(new))
        items, keys = lst.items, lst.keys
        for item_id, (key, (dummy, value, comment)) in zip(new_ids, new.items()):
            items[item_id] = make_item(kind, item_id, value, comment, stamp, stamp)
            keys[key] = item_id
        lst.order.extend(new_ids)
        lst.changed(stamp)

    def plan(self, lst, raw_items, append):
        """({key: (position, value, comment)} to create, {id: (value, comment)} to update), or OperationFailed.

        ``duplicate_append`` decides what a value already in the list (append only) or already
        earlier in the body does: "refuse" fails, "ignore" keeps what is there (the first),
        "update" takes the new value and comment (the last).
        """
        config = self.sim.config
        kind, rule = lst.kind, config["duplicate_append"]
        existing = lst.keys if append else {}
        new, updates = {}, {}
        for position, raw in enumerate(raw_items):
            key, value = normalize_item(kind, raw, position, config)
            comment = raw.get("comment")
            item_id = existing.get(key)
            if item_id is not None:
                if rule == "refuse":
                    stored = lst.items[item_id][kind]
                    also = "" if shown(kind, {kind: stored}) == shown(kind, raw) else f" (as {shown(kind, {kind: stored})})"
                    raise OperationFailed(f"item {position}: {shown(kind, raw)} is already in the list{also}; duplicate items are refused")
                if rule == "update":
                    updates[item_id] = (value, comment)
                continue
            earlier = new.get(key)
            if earlier is not None:
                if rule == "refuse":
                    raise OperationFailed(f"item {position}: {shown(kind, raw)} duplicates item {earlier[0]} of the same request; "
                                          f"duplicate items are refused")
                if rule == "update":
                    new[key] = (earlier[0], value, comment)
                continue
            new[key] = (position, value, comment)
        return new, updates

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
