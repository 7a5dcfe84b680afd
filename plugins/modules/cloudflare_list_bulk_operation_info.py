#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: cloudflare_list_bulk_operation_info
short_description: Report, or wait for, the status of a Cloudflare Rules Lists bulk operation
version_added: 1.0.0
description:
  - Every change to the items of a Cloudflare Rules List (append, replace or delete) is applied asynchronously.
    Cloudflare answers the change with an C(operation_id), and the change has taken effect only when the bulk
    operation with that id is V(completed).
  - This module reads the status of that bulk operation with
    C(GET /accounts/{account_id}/rules/lists/bulk_operations/{operation_id}).
  - With O(wait=true) it polls until the operation is V(completed) or V(failed), and fails the task if it
    V(failed) or did not finish within O(wait_timeout).
  - A status this collection does not know (should Cloudflare add one) is treated as not finished, with a warning.
author:
  - netedge.cloudflare maintainers (@netedge)
requirements:
  - requests >= 2.25.0
extends_documentation_fragment:
  - netedge.cloudflare.account
  - netedge.cloudflare.api
  - netedge.cloudflare.wait
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
options:
  operation_id:
    description:
      - The C(operation_id) that Cloudflare returned for a change to a list's items.
      - Only letters, digits, V(_) and V(-) are accepted (1 to 128 characters), so the value cannot change the request path.
    type: str
    required: true
notes:
  - "The module runs on the controller (or the host it is delegated to) and talks HTTPS to the Cloudflare API;
    the managed hosts are not involved. Use it with C(delegate_to: localhost) or against C(localhost)."
  - An API token needs the C(Account Filter Lists Read) permission for the account (C(Account Filter Lists Edit)
    includes it). Errors for missing or wrong credentials name Cloudflare's codes, for example C(10000) or C(9106).
  - Cloudflare allows 1,200 requests per 5 minutes per user or token, shared by every tool using it. A wait of
    T seconds makes 2 requests per second at first, then polls a quarter of the time waited so far apart (at most
    2.5 seconds during the first 40 seconds, at most O(wait_sleep) after), so with the defaults a 60-second wait costs
    29 requests and a 5-minute wait 77.
  - Only one bulk operation per account is processed at a time; an operation can stay V(pending) while
    earlier ones finish. Leave O(wait_timeout) room for that.
  - M(netedge.cloudflare.cloudflare_list_items) makes changes and waits for them itself. Use this module to wait for
    a change started with O(netedge.cloudflare.cloudflare_list_items#module:wait=false), or by another tool; see the examples.
seealso:
  - module: netedge.cloudflare.cloudflare_list_items
  - module: netedge.cloudflare.cloudflare_list_info
  - name: Cloudflare API - Get bulk operation status
    description: The API call this module makes.
    link: https://developers.cloudflare.com/api/resources/rules/subresources/lists/subresources/bulk_operations/methods/get/
  - name: Cloudflare Lists
    description: What Rules Lists are and how WAF custom rules and Bulk Redirects use them.
    link: https://developers.cloudflare.com/waf/tools/lists/
  - name: Cloudflare API tokens
    description: How to create a token with the Account Filter Lists Read permission.
    link: https://developers.cloudflare.com/fundamentals/api/get-started/create-token/
"""

EXAMPLES = r"""
- name: Check the status of a bulk operation once
  netedge.cloudflare.cloudflare_list_bulk_operation_info:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    operation_id: "{{ operation_id }}"   # as Cloudflare returned it for a change, e.g. 4da8780eeb215e6cb7f48dd981c4ea02
  register: op

- name: Show it
  ansible.builtin.debug:
    msg: "Operation {{ op.bulk_operation.id }} is {{ op.bulk_operation.status }}"

- name: Start a change without waiting, do other work, then wait for it
  module_defaults:
    group/netedge.cloudflare.cloudflare:
      api_token: "{{ cloudflare_api_token }}"
      account_id: "{{ cloudflare_account_id }}"
  block:
    - name: Block an address; Cloudflare answers with an operation_id at once
      netedge.cloudflare.cloudflare_list_items:
        list_name: blocked_ips
        items:
          - ip: 192.0.2.10
            comment: build agent
        wait: false
      register: started

    - name: Wait until the change is applied; fails if Cloudflare rejects it
      netedge.cloudflare.cloudflare_list_bulk_operation_info:
        operation_id: "{{ started.operation_ids | last }}"
        wait: true
        wait_timeout: 600
      register: applied
      when: started.operation_ids | length > 0   # empty when the list already held the address

    - name: Report how long it took
      ansible.builtin.debug:
        msg: "Applied at {{ applied.bulk_operation.completed }} after {{ applied.elapsed }} s and {{ applied.polls }} polls"
      when: applied is not skipped

# With CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID in the environment, no credentials
# appear in the playbook at all, and ad hoc use is one line:
#   ansible localhost -m netedge.cloudflare.cloudflare_list_bulk_operation_info -a operation_id=4da8780eeb215e6cb7f48dd981c4ea02
- name: Wait for an operation, credentials and account from the environment
  netedge.cloudflare.cloudflare_list_bulk_operation_info:
    operation_id: "{{ operation_id }}"
    wait: true
    wait_sleep: 2
"""

RETURN = r"""
bulk_operation:
  description:
    - The bulk operation as Cloudflare returns it.
    - On a failed task this is the last status read, if any was read.
  returned: success, and on failure when a status was read
  type: dict
  contains:
    id:
      description: The operation's ID.
      returned: always
      type: str
      sample: 4da8780eeb215e6cb7f48dd981c4ea02
    status:
      description: V(pending) or V(running) while the change is under way, V(completed) or V(failed) when it has ended.
      returned: always
      type: str
      sample: completed
    completed:
      description: When the operation ended (RFC 3339).
      returned: when the operation is completed or failed
      type: str
      sample: "2026-11-22T19:34:10.241362Z"
    error:
      description: Cloudflare's explanation of why the operation failed.
      returned: when the operation failed
      type: str
      sample: "'10.0.0.300' is not a valid IPv4 address"
  sample:
    id: 4da8780eeb215e6cb7f48dd981c4ea02
    status: completed
    completed: "2026-11-22T19:34:10.241362Z"
elapsed:
  description: Seconds spent waiting, from the first poll to the last.
  returned: when O(wait=true)
  type: float
  sample: 3.126
polls:
  description: How many times the status was read while waiting (retries of a read are not counted).
  returned: when O(wait=true)
  type: int
  sample: 7
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

from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.bulk_operations import check_operation
from ansible_collections.netedge.cloudflare.plugins.module_utils._module import client_for, cloudflare_module
from ansible_collections.netedge.cloudflare.plugins.module_utils._options import check_operation_id


def main():
    module = cloudflare_module(
        dict(operation_id=dict(type="str", required=True)),
        checks=(lambda params: check_operation_id(params["operation_id"]),),
        wait=True,
    )
    params = module.params
    client = client_for(module)
    try:
        outcome = check_operation(client, params["account_id"], params["operation_id"], params["wait"],
                                  params["wait_timeout"], params["wait_sleep"], warn=module.warn)
    finally:
        client.close()
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **outcome.result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
