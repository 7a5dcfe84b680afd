#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: cloudflare_list_info
short_description: Read Cloudflare Rules Lists and their items
version_added: 1.1.0
description:
  - Reads the Rules Lists of an account, or one list by O(name) or O(list_id), with Cloudflare's fields
    (id, name, kind, description, number of items, number of rules using it, dates).
  - With O(items=true), also reads every item of each list, following Cloudflare's paging to the end
    (500 items per request).
  - A O(name) or O(list_id) that matches no list returns an empty RV(lists), not a failure,
    so a playbook can test whether a list exists.
author:
  - netedge.cloudflare maintainers (@netedge)
requirements:
  - requests >= 2.25.0
extends_documentation_fragment:
  - netedge.cloudflare.account
  - netedge.cloudflare.api
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
options:
  name:
    description:
      - Read only the list with this name (1 to 50 lower-case letters, digits or underscores).
      - Mutually exclusive with O(list_id). With neither, every list of the account is read.
    type: str
  list_id:
    description:
      - Read only the list with this ID (32 hexadecimal characters).
      - Mutually exclusive with O(name).
    type: str
  items:
    description:
      - Whether to read every item of each list too, into RV(lists[].list_items).
      - A list of N items costs N / 500 requests (rounded up), of Cloudflare's 1,200 per 5 minutes.
    type: bool
    default: false
  search:
    description:
      - Return only the items that match this text, as Cloudflare's C(search) filter decides - IP items that start
        with it, hostname and redirect items that contain it, ASN items equal to it.
      - Needs O(items=true).
    type: str
notes:
  - "The module runs on the controller (or the host it is delegated to) and talks HTTPS to the Cloudflare API;
    the managed hosts are not involved. Use it with C(delegate_to: localhost) or against C(localhost)."
  - An API token needs the C(Account Filter Lists Read) permission for the account (C(Account Filter Lists Edit)
    includes it). Errors for missing or wrong credentials name Cloudflare's codes, for example C(10000) or C(9106).
seealso:
  - module: netedge.cloudflare.cloudflare_list
    description: Create, update or delete a list.
  - module: netedge.cloudflare.cloudflare_list_bulk_operation_info
    description: Wait for a change to a list's items.
  - name: Cloudflare API - Lists
    description: The API calls this module makes (list lists, get a list, list items).
    link: https://developers.cloudflare.com/api/resources/rules/subresources/lists/
"""

EXAMPLES = r"""
- name: Read every list of the account
  netedge.cloudflare.cloudflare_list_info:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
  register: all_lists

- name: Show their names and sizes
  ansible.builtin.debug:
    msg: "{{ all_lists.lists | items2dict(key_name='name', value_name='num_items') }}"

- name: Read one list and all its items, credentials set once
  module_defaults:
    group/netedge.cloudflare.cloudflare:
      api_token: "{{ cloudflare_api_token }}"
      account_id: "{{ cloudflare_account_id }}"
  block:
    - name: Read blocked_ips with its items
      netedge.cloudflare.cloudflare_list_info:
        name: blocked_ips
        items: true
      register: blocked

    - name: Say whether it exists (a name that no list has gives an empty lists)
      ansible.builtin.debug:
        msg: "{{ 'blocked_ips exists' if blocked.lists else 'There is no list named blocked_ips' }}"

    - name: Show its addresses
      ansible.builtin.debug:
        msg: "{{ blocked.lists[0].list_items | map(attribute='ip') | list }}"
      when: blocked.lists | length == 1

# With CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID in the environment, no credentials appear in
# the playbook at all, and ad hoc use is one line:
#   ansible localhost -m netedge.cloudflare.cloudflare_list_info -a "name=blocked_ips items=true"
- name: Find the addresses that start with 192.0.2, credentials from the environment
  netedge.cloudflare.cloudflare_list_info:
    name: blocked_ips
    items: true
    search: 192.0.2
  register: found
"""

RETURN = r"""
lists:
  description:
    - The lists read, with Cloudflare's fields, in Cloudflare's order.
    - Empty when O(name) or O(list_id) matches no list.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The list's ID (32 hexadecimal characters).
      returned: always
      type: str
      sample: 2c0fc9fa937b11eaa1b71c4d701ab86e
    name:
      description: The list's name.
      returned: always
      type: str
      sample: blocked_ips
    kind:
      description: V(ip), V(hostname), V(asn) or V(redirect).
      returned: always
      type: str
      sample: ip
    description:
      description: The list's description (V("") when it has none).
      returned: always
      type: str
      sample: Addresses blocked by the WAF
    num_items:
      description: How many items the list holds.
      returned: always
      type: int
      sample: 2
    num_referencing_filters:
      description: How many rules use the list.
      returned: always
      type: int
      sample: 1
    created_on:
      description: When the list was created (RFC 3339).
      returned: always
      type: str
      sample: "2026-11-22T19:34:10Z"
    modified_on:
      description: When the list was last changed (RFC 3339).
      returned: always
      type: str
      sample: "2026-11-22T19:34:10Z"
    list_items:
      description:
        - Every item of the list (only those matching O(search) when it is set), as Cloudflare returns them -
          C(id), C(created_on), C(modified_on), an optional C(comment), and the field of the list's kind
          (C(ip), C(hostname), C(asn) or C(redirect)).
      returned: when O(items=true)
      type: list
      elements: dict
      sample:
        - id: 7c5dae5552338874e5053f2534d2767a
          ip: 192.0.2.10
          comment: build agent
          created_on: "2026-11-22T19:34:10Z"
          modified_on: "2026-11-22T19:34:10Z"
  sample:
    - id: 2c0fc9fa937b11eaa1b71c4d701ab86e
      name: blocked_ips
      kind: ip
      description: Addresses blocked by the WAF
      num_items: 2
      num_referencing_filters: 1
      created_on: "2026-11-22T19:34:10Z"
      modified_on: "2026-11-22T19:34:10Z"
status:
  description: The HTTP status of the failed request; null when no answer came (timeout, refused connection).
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

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_info import check_info_options, read_lists
from ansible_collections.netedge.cloudflare.plugins.module_utils._module import client_for, cloudflare_module


def main():
    module = cloudflare_module(
        dict(
            name=dict(type="str"),
            list_id=dict(type="str"),
            items=dict(type="bool", default=False),
            search=dict(type="str"),
        ),
        checks=(check_info_options,),
    )
    params = module.params
    client = client_for(module)
    try:
        outcome = read_lists(client, params["account_id"], name=params["name"], list_id=params["list_id"],
                             items=params["items"], search=params["search"])
    finally:
        client.close()
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **outcome.result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
