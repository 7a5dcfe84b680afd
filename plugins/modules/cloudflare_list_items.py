#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: cloudflare_list_items
short_description: Make a Cloudflare Rules List hold, not hold, or hold exactly the given items
version_added: 1.1.0
description:
  - Declarative changes to the items of a Cloudflare Rules List (IP addresses and CIDRs, hostnames, ASNs or
    redirects). The module reads the list's items (all pages), plans the fewest bulk operations that reach the
    wanted state, carries them out one after another, and waits until Cloudflare has applied each.
  - A second run with the same input changes nothing (V(changed=false)), whatever form Cloudflare stores the items in.
  - "The plan follows these rules: no write when nothing differs; an item the wanted state keeps is never absent from
    the list, even for a moment (no delete-then-add); items that do not change keep their ids and C(created_on);
    a field the task does not set (such as C(comment)) is not compared and is kept; a change to an existing item's
    comment or redirect fields is made with one replace of all items, the only way Cloudflare can change an item."
  - "Additions and removals that keep some items are an append, then a delete, so the list never holds less than
    before and after. When no item is kept, one replace does it. Emptying a list is one replace with no items."
  - Every item is checked before any request, and all problems are reported together, each with its position
    (C(items[3])) or file and line (C(blocklist.txt:57)) and its value.
  - Check mode reports the same plan and sends no write; diff mode shows one line per item added (V(+)),
    removed (V(-)) or updated (V(~)).
author:
  - netedge.cloudflare maintainers (@netedge)
requirements:
  - requests >= 2.25.0
extends_documentation_fragment:
  - netedge.cloudflare.account
  - netedge.cloudflare.api
  - netedge.cloudflare.wait
attributes:
  action:
    support: full
    description: An action plugin on the controller finds O(src) and copies it to the host where the module runs.
  check_mode:
    support: full
    description: The items are read and the plan is reported with no write.
  diff_mode:
    support: full
    description: One line per item added, removed or updated, after a header with the counts and the steps.
options:
  list_name:
    description:
      - The name of the list. Exactly one of O(list_name) and O(list_id) is required.
      - A list that does not exist is a failure that names it; create it with M(netedge.cloudflare.cloudflare_list).
    type: str
  list_id:
    description:
      - "The 32-character id of the list, instead of O(list_name). Saves nothing: either costs one request."
    type: str
  items:
    description:
      - The items. Each is a plain value for the list's kind, or a dict with Cloudflare's fields.
      - "A plain value is an IPv4 or IPv6 address or CIDR for an C(ip) list (V(192.0.2.1), V(198.51.100.0/24),
        V(2001:db8::/48)), a hostname for a C(hostname) list (V(example.com), V(*.example.net)), or a number for an
        C(asn) list (V(13335), also V(AS13335))."
      - "A dict carries the kind's field and an optional C(comment): C({ip: 192.0.2.1, comment: build agent}),
        C({url_hostname: example.com}) (or C(hostname)), C({asn: 13335}), or for a C(redirect) list
        C({source_url: example.com/old, target_url: https://example.com/new}) with the optional C(status_code)
        (301, 302, 307, 308), C(include_subdomains), C(subpath_matching), C(preserve_query_string) and
        C(preserve_path_suffix), either at the top of the dict or under C(redirect)."
      - "IP items are compared in canonical form: V(192.0.2.1/32) is V(192.0.2.1), IPv6 is compressed lower case.
        A CIDR with host bits set (V(10.0.0.1/24)) is refused, rather than guessed at. IPv6 CIDRs may be at most /64
        (Cloudflare's limit); IPv4 CIDRs /8 to /32. An item the list already holds with host bits set (written by
        another tool) is the same item as its network: V(10.0.0.0/24) finds it, and it is left as it is."
      - Duplicates (the same item in two forms, too) are merged. Empty entries are refused.
      - At least one of O(items) and O(src) is required. With both, the list is made to hold (or not hold) the
        union of the two; an item in both is one item, with the fields O(items) gives it.
      - For a feed file, use O(src), which skips comments and notes, and costs far less on the controller.
    type: list
    elements: raw
  src:
    description:
      - A feed file, one plain item per line (an address or CIDR, a hostname, or an ASN, as in O(items)), for a
        list of kind C(ip), C(hostname) or C(asn). Redirect lists take their items with O(items).
      - "Found as M(ansible.builtin.copy) finds its C(src): a relative path in the role's
        C(files/), then the playbook's C(files/) and folder; or an absolute path on the controller. A file encrypted
        with Ansible Vault is decrypted. When the module runs on another host (C(delegate_to)), the file is copied
        there first, to a temporary folder that is removed afterwards."
      - "The file is read line by line on the host the module runs on, never templated into the task's arguments
        nor held whole in memory. Line rules: lines end with LF or CRLF, and a UTF-8 byte order mark at the start is
        dropped; whitespace around a line is stripped; blank lines and lines that start with C(#), C(;) or C(//) are
        skipped; a note is dropped, everything from the first C(;) and everything from a C(#) after a space or tab,
        so C(1.10.16.0/20 ; SBL256894) is C(1.10.16.0/20) and C(192.0.2.1  # scanner) is C(192.0.2.1);
        a C(#) right after a value (C(192.0.2.1#x)) is part of it. What is left is one item."
      - "Comments and notes may hold any bytes. An item that is not UTF-8 text, a line longer than 4096 characters, and
        every item that is not valid for the list are problems, each named by file and line
        (C(blocklist.txt:57: '10.0.0.999': not an IPv4 or IPv6 address or CIDR.)), all reported together before
        any request."
      - An empty file, or one of comments only, is no items; the O(max_removals) and O(allow_empty) guards keep an
        empty or truncated download from emptying a live list.
    type: path
  state:
    description:
      - V(present) - the list holds these items (others are left alone).
      - V(absent) - the list holds none of these items.
      - "V(exact) - the list holds exactly these items: the others are removed."
    type: str
    choices: [present, absent, exact]
    default: present
  max_removals:
    description:
      - The most items one run may remove. A plan that would remove more fails before any write, in check mode too,
        and says how many it would remove.
      - If not set, a run may remove at most 10 items or a quarter of the items the list holds, whichever is more.
        Everyday churn of a feed passes; a feed cut short (a failed download, a truncated file) given to
        V(state=exact) is stopped before it empties most of a live list.
      - V(-1) means no limit.
    type: int
  allow_empty:
    description:
      - Whether a run may remove every item of the list. Without it, a plan that would leave a non-empty list empty
        fails before any write, so an empty feed never empties a live list by accident.
    type: bool
    default: false
  max_reported_items:
    description:
      - The most items that each of RV(added), RV(removed) and RV(updated) returns, and the most item lines in the diff.
        The counts in RV(counts) are always exact.
      - Ansible copies and prints the whole result on the controller; half a million items there would cost more
        than the change itself. V(-1) returns them all, V(0) only the counts.
    type: int
    default: 1000
  wait:
    description:
      - Whether to wait until Cloudflare has applied the change (the last bulk operation is V(completed)).
        A change is only done when it is, so the default is V(true), and a V(failed) operation fails the task.
      - With V(false), every step of the plan but the last is still waited on (an account runs one bulk operation
        at a time, and each step is planned on the one before). The last step's C(operation_id) is returned in
        RV(operation_ids); wait for it with M(netedge.cloudflare.cloudflare_list_bulk_operation_info).
    type: bool
    default: true
notes:
  - "The module runs on the controller (or the host it is delegated to) and talks HTTPS to the Cloudflare API.
    Use it with C(delegate_to: localhost) or against C(localhost)."
  - An API token needs the C(Account Filter Lists Edit) permission for the account.
  - O(wait_timeout) bounds the whole run after the list was read, all steps and waits together. A write that Cloudflare
    refuses because another bulk operation of the account is pending (from this task or any other tool) is sent
    again when it is done, within that time.
  - A write whose outcome is unknown (the connection broke after it was sent) is never sent again blindly; the list
    is read again and the rest of the change planned anew from what it holds.
  - "Requests: one to find the list, one per 500 items to read them, then one per step and the polls of each wait.
    An unchanged list of 100,000 items costs 201 requests of Cloudflare's 1,200 per 5 minutes."
  - "A V(present) or V(absent) task that names fewer items than the list has pages of 500 looks each item up with
    Cloudflare's C(search) instead of reading the whole list: blocking three addresses in a list of 500,000 items
    costs 1 + 3 requests and the change, not 1,001. If the look-ups would cost as much as a full read, or a comment
    must change (which needs a replace of every item), the whole list is read."
  - Every request spends from O(rate_budget), so a large list is read at a pace that leaves the rest of Cloudflare's
    budget to other tools; reading 500,000 items takes 5 to 6 minutes with the default.
  - A replace gives every item of the list a new id. It is only used when an item's comment or redirect fields change,
    when no item is kept, or to empty the list.
seealso:
  - module: netedge.cloudflare.cloudflare_list
  - module: netedge.cloudflare.cloudflare_list_info
  - module: netedge.cloudflare.cloudflare_list_bulk_operation_info
  - ref: ansible_collections.netedge.cloudflare.docsite.guide_feeds
    description: Keeping a list in step with a feed, with O(src).
  - name: Cloudflare API - List items
    description: The calls this module makes to change items.
    link: https://developers.cloudflare.com/api/resources/rules/subresources/lists/subresources/items/
"""

EXAMPLES = r"""
- name: Block two addresses (the list keeps its other items)
  netedge.cloudflare.cloudflare_list_items:
    list_name: blocked_ips
    items:
      - 192.0.2.10
      - ip: 198.51.100.0/24
        comment: scanner network
    state: present

- name: Unblock an address
  netedge.cloudflare.cloudflare_list_items:
    list_name: blocked_ips
    items:
      - 192.0.2.10
    state: absent

# blocklist.txt, in the role's files/ or the playbook's files/ or folder, may hold comments and notes:
#   # Blocklist, 2026-12-06
#   192.0.2.10
#   198.51.100.0/24 ; SBL123
#   2001:db8::/48   # partner range
- name: Make the list hold exactly the addresses of a feed file, one per line
  netedge.cloudflare.cloudflare_list_items:
    list_name: blocked_ips
    src: blocklist.txt
    state: exact
    max_removals: 500
  register: sync

- name: Report what the sync did
  ansible.builtin.debug:
    msg: "{{ sync.counts.added }} added, {{ sync.counts.removed }} removed, list now holds {{ sync.list.num_items }}"

- name: Keep a list of bulk redirects
  netedge.cloudflare.cloudflare_list_items:
    list_name: redirects
    items:
      - source_url: example.com/old
        target_url: https://example.com/new
        status_code: 301
      - source_url: example.com/blog
        target_url: https://blog.example.com/
        status_code: 302
        subpath_matching: true
        preserve_path_suffix: true
    state: exact

- name: Start a change without waiting, then wait for it in a later task
  netedge.cloudflare.cloudflare_list_items:
    list_name: blocked_ips
    items:
      - 203.0.113.7
    wait: false
  register: started

- name: Wait for the change to be applied
  netedge.cloudflare.cloudflare_list_bulk_operation_info:
    operation_id: "{{ started.operation_ids | last }}"
    wait: true
  when: started.operation_ids | length > 0
"""

RETURN = r"""
list:
  description: The list, with the number of items it holds after the change.
  returned: when the list was found
  type: dict
  sample: {"id": "2c0fc9fa937b11eaa1b71c4d701ab86e", "name": "blocked_ips", "kind": "ip", "num_items": 3}
added:
  description: The items added (or, in check mode, that would be), as sent to Cloudflare; at most O(max_reported_items).
  returned: when the list was found
  type: list
  elements: dict
  sample: [{"ip": "192.0.2.10"}]
removed:
  description: The items removed, as Cloudflare held them (with C(id)); at most O(max_reported_items).
  returned: when the list was found
  type: list
  elements: dict
  sample: [{"id": "7c5dae5552338874e5053f2534d2767a", "ip": "203.0.113.9", "created_on": "2026-11-20T10:00:00Z",
            "modified_on": "2026-11-20T10:00:00Z"}]
updated:
  description: The items whose comment or redirect fields changed, each as C(before) (as held) and C(after) (as sent).
  returned: when the list was found
  type: list
  elements: dict
  sample: [{"before": {"id": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "ip": "198.51.100.0/24", "comment": "old"},
            "after": {"ip": "198.51.100.0/24", "comment": "scanner network"}}]
counts:
  description: How many items were added, removed, updated and left unchanged. Always exact.
  returned: when the list was found
  type: dict
  sample: {"added": 1, "removed": 1, "updated": 0, "unchanged": 2}
truncated:
  description: Whether RV(added), RV(removed) or RV(updated) hold fewer items than RV(counts) because of O(max_reported_items).
  returned: when the list was found
  type: bool
  sample: false
steps:
  description: The bulk operations of the plan, in order.
  returned: when the list was found
  type: list
  elements: str
  sample: ["append 1 item(s)", "delete 1 item(s)"]
operation_ids:
  description: The C(operation_id) of every bulk operation started, in order. Empty when nothing changed or in check mode.
  returned: when the list was found
  type: list
  elements: str
  sample: ["4da8780eeb215e6cb7f48dd981c4ea02"]
bulk_operations:
  description:
    - The last status read of each bulk operation, in order.
    - With O(wait=false) the last one is read once, right after it started, and may still be V(pending).
  returned: when the list was found
  type: list
  elements: dict
  sample: [{"id": "4da8780eeb215e6cb7f48dd981c4ea02", "status": "completed", "completed": "2026-11-22T19:34:10.241362Z"}]
status:
  description: The HTTP status of the failed request; null when no answer came.
  returned: when the task fails on an API error
  type: int
  sample: 403
errors:
  description: Cloudflare's C(errors) from the failed request, each with C(code) and C(message).
  returned: when the task fails on an API error
  type: list
  elements: dict
  sample: [{"code": 10000, "message": "Authentication error"}]
messages:
  description: Cloudflare's C(messages) from the failed request.
  returned: when the task fails on an API error
  type: list
  elements: dict
  sample: []
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_items import (
    ITEMS_SPEC,
    ItemsCheck,
    ItemsTask,
    invocation_of,
    check_list_choice,
    check_numbers,
    check_sources,
)
from ansible_collections.netedge.cloudflare.plugins.module_utils._module import client_for, cloudflare_module


def main():
    checked = ItemsCheck()
    module = cloudflare_module(ITEMS_SPEC, checks=(check_list_choice, check_numbers, check_sources, checked), wait=True, wait_default=True)
    client = client_for(module)
    try:
        failure, result = ItemsTask(client, module.params, module.check_mode, module._diff, module.warn, checked).run()
    finally:
        client.close()
    result["invocation"] = invocation_of(module.params)
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
