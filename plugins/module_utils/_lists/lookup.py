# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place that knows how Rules Lists are found, paged and written.

Every call goes through the one client (_api/client.py), which owns retries; these
functions only build paths and bodies and check the shape of what comes back.
No AnsibleModule here. Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, excerpt

KINDS = ("ip", "redirect", "hostname", "asn")

# Cloudflare's largest page of items (GET .../items?per_page=1..500). The largest page costs the
# fewest requests: a list of N items is read in ceil(N / 500) requests.
ITEMS_PER_PAGE = 500

# Fields of a list as Cloudflare returns them; a module returns these and nothing else.
LIST_FIELDS = ("id", "name", "kind", "description", "num_items", "num_referencing_filters", "created_on", "modified_on")

# A cursor that comes back again means the paging would never end: stop after this many pages
# of one list, which is far beyond any account's item limit (500,000 items / 500 = 1,000 pages).
MAX_PAGES = 5000


def lists_path(account_id, list_id=None):
    path = "/accounts/%s/rules/lists" % account_id
    return path if list_id is None else "%s/%s" % (path, list_id)


def items_path(account_id, list_id):
    return lists_path(account_id, list_id) + "/items"


def _shape_list(value):
    """A list object's fields, or CloudflareError if the answer is not a list."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not isinstance(value.get("name"), str):
        raise CloudflareError("Cloudflare's answer is not a list: %s" % excerpt(value), status=200)
    return dict((field, value.get(field)) for field in LIST_FIELDS)


def get_lists(client, account_id, deadline=None):
    """Every list of the account (one request: the lists call is not paged)."""
    result = client.get(lists_path(account_id), deadline=deadline)
    if not isinstance(result, list):
        raise CloudflareError("Cloudflare's answer to listing the lists is not an array: %s" % excerpt(result), status=200)
    return [_shape_list(value) for value in result]


def get_list(client, account_id, list_id, deadline=None):
    """The list with that id, or None when Cloudflare has none (HTTP 404)."""
    try:
        return _shape_list(client.get(lists_path(account_id, list_id), deadline=deadline))
    except CloudflareError as err:
        if err.status == 404:
            return None
        raise


def find_list(client, account_id, name=None, list_id=None, deadline=None):
    """The list with that name or that id, or None. One request either way.

    By name it reads the account's lists and picks the one so named: Cloudflare has no call
    that takes a name, and names are unique in an account.
    """
    if list_id is not None:
        return get_list(client, account_id, list_id, deadline=deadline)
    for found in get_lists(client, account_id, deadline=deadline):
        if found["name"] == name:
            return found
    return None


def create_list(client, account_id, name, kind, description=None):
    body = {"name": name, "kind": kind}
    if description is not None:
        body["description"] = description
    return _shape_list(client.post(lists_path(account_id), body))


def update_description(client, account_id, list_id, description):
    return _shape_list(client.put(lists_path(account_id, list_id), {"description": description}))


def delete_list(client, account_id, list_id):
    client.delete(lists_path(account_id, list_id))


def iter_items(client, account_id, list_id, search=None, per_page=ITEMS_PER_PAGE, deadline=None):
    """Every item of a list, page by page, following Cloudflare's cursors.

    A generator: a caller keeps only what it needs of each item, so reading a list of
    500,000 items never holds more than one page of Cloudflare's answer at once.
    """
    params = {"per_page": per_page}
    if search is not None:
        params["search"] = search
    path = items_path(account_id, list_id)
    seen = set()
    for _page in range(MAX_PAGES):
        result, info = client.get_page(path, params=dict(params), deadline=deadline)
        if not isinstance(result, list):
            raise CloudflareError("Cloudflare's answer to reading items is not an array: %s" % excerpt(result), status=200)
        yield from result
        cursors = info.get("cursors") if isinstance(info, dict) else None
        after = cursors.get("after") if isinstance(cursors, dict) else None
        if not after or not result:
            return
        if after in seen:
            raise CloudflareError("Cloudflare returned the same paging cursor twice while reading list %s; stopped "
                                  "to avoid reading for ever" % list_id, status=200)
        seen.add(after)
        params["cursor"] = after
    raise CloudflareError("list %s has more than %d pages of items; stopped reading" % (list_id, MAX_PAGES), status=200)


def _operation_id(result, doing):
    if not isinstance(result, dict) or not isinstance(result.get("operation_id"), str) or not result["operation_id"]:
        raise CloudflareError("Cloudflare's answer to %s has no operation_id: %s" % (doing, excerpt(result)), status=200)
    return result["operation_id"]


def append_items(client, account_id, list_id, items):
    """POST: add ``items`` to the list. Returns the bulk operation's id."""
    return _operation_id(client.post(items_path(account_id, list_id), items), "appending items")


def replace_items(client, account_id, list_id, items):
    """PUT: make ``items`` the list's only items, as one operation. Returns the bulk operation's id."""
    return _operation_id(client.put(items_path(account_id, list_id), items), "replacing items")


def delete_items(client, account_id, list_id, item_ids):
    """DELETE: remove the items with these ids. Returns the bulk operation's id."""
    body = {"items": [{"id": item_id} for item_id in item_ids]}
    return _operation_id(client.delete(items_path(account_id, list_id), body), "deleting items")
