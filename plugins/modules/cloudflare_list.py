#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: cloudflare_list
short_description: Create, update or delete a Cloudflare Rules List
version_added: 1.1.0
description:
  - Makes sure that the Cloudflare Rules List named O(name) exists with the given O(kind) and O(description)
    (O(state=present)), or does not exist (O(state=absent)). The list's items are not managed by this module.
  - The list is found by its name, which is unique in an account. A list is created when none has that name, and its
    description is updated when it differs. Nothing is sent when the list is already as asked (C(changed=false)).
  - Cloudflare cannot change the kind of a list. A list with that name but another kind fails the task; it is never
    deleted and re-created behind the user's back, since that would pull it out of every rule that uses it.
  - Cloudflare refuses to delete a list that rules still use. The task then fails, naming how many rules use it
    (C(num_referencing_filters)) and Cloudflare's code.
  - When the answer to a change is lost (a reset or timeout after the request was sent, or HTTP 5xx), the module reads
    the list again and sends the change once more only if it was not made, so a change is never made twice.
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
    description: The list is read, and the task reports what it would change, without sending any change.
  diff_mode:
    support: full
    description: Shows the list's name, kind, description and number of items before and after the change.
options:
  name:
    description:
      - The name of the list, as rules refer to it (C($name) in a rule expression).
      - 1 to 50 lower-case letters, digits or underscores, as Cloudflare requires. Checked before any request.
    type: str
    required: true
  kind:
    description:
      - What the list holds; one of V(ip), V(hostname), V(asn) or V(redirect).
      - Required to create a list. When the list exists, a different kind fails the task.
      - With O(state=absent), a list of another kind is not deleted, and the task fails.
      - Hostname and ASN lists need an Enterprise plan.
    type: str
  description:
    description:
      - The list's description, at most 500 characters.
      - Compared only when given. V("") clears the description.
    type: str
  state:
    description:
      - V(present) creates the list, or updates its description; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - "The module runs on the controller (or the host it is delegated to) and talks HTTPS to the Cloudflare API;
    the managed hosts are not involved. Use it with C(delegate_to: localhost) or against C(localhost)."
  - An API token needs the C(Account Filter Lists Edit) permission for the account (in check mode, which only reads,
    C(Account Filter Lists Read) is enough). Errors for missing or wrong credentials name Cloudflare's codes, for example
    C(10000) or C(9106).
  - Cloudflare's plans limit the number of lists (Free 1, Pro and Business 10, Enterprise 1,000).
  - Deleting a list deletes its items too.
seealso:
  - module: netedge.cloudflare.cloudflare_list_info
    description: Read lists and their items.
  - module: netedge.cloudflare.cloudflare_list_bulk_operation_info
    description: Wait for a change to a list's items.
  - module: netedge.cloudflare.cloudflare_rule
    description: Use a list in a WAF custom rule or a Bulk Redirect rule, or delete the rules that use a list.
  - name: Cloudflare API - Lists
    description: The API calls this module makes (list, create, update and delete lists).
    link: https://developers.cloudflare.com/api/resources/rules/subresources/lists/
  - name: Cloudflare Lists
    description: What Rules Lists are and how WAF custom rules and Bulk Redirects use them.
    link: https://developers.cloudflare.com/waf/tools/lists/
"""

EXAMPLES = r"""
- name: Make sure an IP list exists, with this description
  netedge.cloudflare.cloudflare_list:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    name: blocked_ips
    kind: ip
    description: Addresses blocked by the WAF
  register: blocked

- name: Show its id, which the item and bulk-operation calls need
  ansible.builtin.debug:
    msg: "List {{ blocked.list.name }} has id {{ blocked.list.id }} and {{ blocked.list.num_items }} items"

- name: Manage several lists with credentials set once
  module_defaults:
    group/netedge.cloudflare.cloudflare:
      api_token: "{{ cloudflare_api_token }}"
      account_id: "{{ cloudflare_account_id }}"
  block:
    - name: A hostname list and a redirect list
      netedge.cloudflare.cloudflare_list:
        name: "{{ item.name }}"
        kind: "{{ item.kind }}"
        description: "{{ item.description }}"
      loop:
        - name: partner_hosts
          kind: hostname
          description: Partner hostnames allowed past the bot rules
        - name: legacy_redirects
          kind: redirect
          description: Redirects of the old site

    - name: Delete a list nothing uses any more
      netedge.cloudflare.cloudflare_list:
        name: legacy_redirects
        state: absent

# With CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID in the environment, no credentials appear in
# the playbook. Run it with --check --diff first to see what would change.
- name: Create an ASN list, credentials from the environment
  netedge.cloudflare.cloudflare_list:
    name: scanner_asns
    kind: asn
"""

RETURN = r"""
list:
  description:
    - The list, with Cloudflare's fields.
    - With O(state=present), the list as it is after the task. In check mode, the list as it would be; a list that would
      be created has no C(id), C(created_on) or C(modified_on) yet (V(null)).
    - With O(state=absent), the list as it was before it was deleted, or V(null) when there was no such list.
    - On a failed task, the list as it was read, if it was.
  returned: always
  type: dict
  contains:
    id:
      description: The list's ID (32 hexadecimal characters), which the item and bulk-operation calls need.
      returned: when the list exists
      type: str
      sample: 2c0fc9fa937b11eaa1b71c4d701ab86e
    name:
      description: The list's name.
      returned: when the list exists
      type: str
      sample: blocked_ips
    kind:
      description: V(ip), V(hostname), V(asn) or V(redirect).
      returned: when the list exists
      type: str
      sample: ip
    description:
      description: The list's description (V("") when it has none).
      returned: when the list exists
      type: str
      sample: Addresses blocked by the WAF
    num_items:
      description: How many items the list holds.
      returned: when the list exists
      type: int
      sample: 12
    num_referencing_filters:
      description: How many rules use the list. Cloudflare refuses to delete a list while this is not 0.
      returned: when the list exists
      type: int
      sample: 0
    created_on:
      description: When the list was created (RFC 3339).
      returned: when the list exists
      type: str
      sample: "2026-11-22T19:34:10Z"
    modified_on:
      description: When the list was last changed (RFC 3339).
      returned: when the list exists
      type: str
      sample: "2026-11-22T19:34:10Z"
diff:
  description: The list's C(name), C(kind), C(description) and C(num_items) before and after; V({}) where there is no list.
  returned: in diff mode
  type: dict
  sample:
    before: {}
    after: {"name": "blocked_ips", "kind": "ip", "description": "Addresses blocked by the WAF", "num_items": 0}
status:
  description: The HTTP status of the failed request; null when no answer came (timeout, refused connection).
  returned: when the task fails on an API error
  type: int
  sample: 400
errors:
  description: Cloudflare's C(errors) from the failed request, each with C(code) and C(message).
  returned: when the task fails on an API error
  type: list
  elements: dict
  sample: [{"code": 10031, "message": "filters.api.ip_list_in_use"}]
messages:
  description: Cloudflare's C(messages) from the failed request.
  returned: when the task fails on an API error
  type: list
  elements: dict
  sample: []
"""

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_state import check_list_options, ensure
from ansible_collections.netedge.cloudflare.plugins.module_utils._module import client_for, cloudflare_module


def main():
    module = cloudflare_module(
        dict(
            name=dict(type="str", required=True),
            kind=dict(type="str"),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        checks=(check_list_options,),
    )
    client = client_for(module)
    try:
        outcome = ensure(client, module.params, check_mode=module.check_mode, want_diff=module._diff)
    finally:
        client.close()
    for warning in outcome.warnings:
        module.warn(warning)
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **outcome.result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
