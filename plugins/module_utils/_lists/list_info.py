# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What cloudflare_list_info reads: lists, one by name or id or all of them, and their items on request.

Finding and paging stay in lookup.py (find_list, get_lists, iter_items); this only chooses which
calls to make and turns a CloudflareError into the one failure message. No AnsibleModule here.
Private to the collection: not a public API.
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, explain
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.lookup import find_list, get_lists, iter_items
from ansible_collections.netedge.cloudflare.plugins.module_utils._options import check_list_id, check_list_name
from ansible_collections.netedge.cloudflare.plugins.module_utils import _outcome


def check_info_options(params):
    """Problems with name, list_id, items and search, found before any request."""
    problems = check_list_name(params.get("name")) + check_list_id(params.get("list_id"))
    if params.get("name") is not None and params.get("list_id") is not None:
        problems.append("name and list_id are mutually exclusive: give one to read one list, or neither to read every list.")
    if params.get("search") is not None and not params.get("items"):
        problems.append("search filters a list's items, so it needs items: true.")
    return problems


class Outcome(_outcome.Outcome):
    """The lists read, or why reading failed (``error`` is Cloudflare's)."""

    KEYS = ("lists",)

    def __init__(self, lists=None, failure=None, error=None):
        self.lists = lists if lists is not None else []
        self.failure = failure
        self.error = error


def read_lists(client, account_id, name=None, list_id=None, items=False, search=None):
    """The lists asked for, each with all its items in ``list_items`` (every cursor page) when ``items`` is true.

    A name or id that matches no list gives no lists, not a failure: that is the answer to "which lists are there".
    """
    if name is None and list_id is None:
        doing = "Reading the lists of account %s" % account_id
    else:
        doing = "Reading list %s in account %s" % ("'%s'" % name if name is not None else list_id, account_id)
    try:
        if name is None and list_id is None:
            lists = get_lists(client, account_id)
        else:
            found = find_list(client, account_id, name=name, list_id=list_id)
            lists = [] if found is None else [found]
    except CloudflareError as err:
        return Outcome(failure=explain(err, doing), error=err)
    if items:
        for lst in lists:
            try:
                lst["list_items"] = list(iter_items(client, account_id, lst["id"], search=search))
            except CloudflareError as err:
                return Outcome(failure=explain(err, "Reading the items of list '%s' (%s) in account %s"
                                               % (lst["name"], lst["id"], account_id)), error=err)
    return Outcome(lists)
