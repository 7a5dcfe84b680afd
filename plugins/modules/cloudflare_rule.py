#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: cloudflare_rule
short_description: Add, update, move or delete one rule in a Cloudflare phase entry point, beside rules made elsewhere
version_added: 1.2.0
description:
  - Makes sure that one rule, found by its O(ref), is in the entry point ruleset of a phase (for example WAF custom
    rules, or Bulk Redirects), with the fields the task sets (O(state=present)), or is not there (O(state=absent)).
  - The entry point is shared. Rules made in the dashboard, by other tools or by other tasks are never sent, changed,
    moved or removed. Each change uses the call that touches this rule alone (add, update or delete one rule);
    the whole ruleset is never replaced.
  - The rule is found by O(ref) only, never by its description, expression or place. An update keeps the rule's id.
  - Only the fields the task sets are compared. Fields the task does not set are sent back as Cloudflare holds them,
    and fields that only Cloudflare's answers carry (such as C(categories), C(logging), or defaults inside
    C(action_parameters)) are never a difference. O(action_parameters) is compared as a subset.
    Nothing is sent when the rule is already as asked (C(changed=false)).
  - When the phase has no entry point yet, it is created holding only this rule. If another tool makes it meanwhile,
    Cloudflare refuses a second one, and the rule is added to that entry point beside its rules.
  - The lists the rule names (C($name) in O(expression), not Cloudflare's Managed Lists C($cf.*), and
    C(action_parameters.from_list.name)) must exist in the account; this is checked before any change, and the
    failure names each missing list.
  - When the answer to a change is lost (a reset or timeout after the request was sent, or HTTP 5xx), the module reads
    the entry point again, looks for the rule by its ref, and sends the change once more only if it was not made.
author:
  - netedge.cloudflare maintainers (@netedge)
requirements:
  - requests >= 2.25.0
extends_documentation_fragment:
  - netedge.cloudflare.account
  - netedge.cloudflare.api
  - netedge.cloudflare.ruleset
attributes:
  check_mode:
    support: full
    description: The entry point (and the account's lists) are read, and the task reports what it would change,
      without sending any change.
  diff_mode:
    support: full
    description: Shows the rule's fields before and after the change, and its place (1 is first) when it is added or moved.
options:
  ref:
    description:
      - The rule's stable key, unique within the entry point, which finds the rule on every run.
      - "1 to 256 letters, digits or the characters C(_ . : @ -)."
    type: str
    required: true
  expression:
    description:
      - The rule's filter expression, for example C(ip.src in $blocked_ips). Required with O(state=present).
    type: str
  action:
    description:
      - The rule's action, for example V(block), V(managed_challenge), V(log), V(skip) or V(redirect).
        Required with O(state=present).
    type: str
  action_parameters:
    description:
      - The action's parameters, as Cloudflare defines them for the action; for a Bulk Redirect rule, C(from_list)
        with the C(name) of a redirect list and the C(key) field (V(http.request.full_uri)).
      - Compared as a subset. When not set, the rule keeps the parameters it has.
      - C(from_list.name) must name a list of kind C(redirect).
    type: dict
  description:
    description:
      - The rule's description. When not set, the rule keeps the description it has.
    type: str
  enabled:
    description:
      - Whether the rule runs. Always compared, so a rule turned off elsewhere (in the dashboard, say) is turned on
        again unless the task sets V(false).
    type: bool
    default: true
  position:
    description:
      - Where the rule goes, V(first) or V(last). Mutually exclusive with O(before) and O(after).
      - A new rule goes last when no place is given. An existing rule keeps its place unless the task asks for a place
        it is not in; asking again for the place it is in changes nothing.
    type: str
    choices: [first, last]
  before:
    description:
      - The ref of another rule that this rule must come before. The rule is moved only when it is not already
        somewhere before that rule, and then goes immediately before it.
      - A ref that is not in the entry point fails the task before any change.
    type: str
  after:
    description:
      - The ref of another rule that this rule must come after. The rule is moved only when it is not already
        somewhere after that rule, and then goes immediately after it.
      - A ref that is not in the entry point fails the task before any change.
    type: str
  state:
    description:
      - V(present) adds or updates the rule; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - "The module runs on the controller (or the host it is delegated to) and talks HTTPS to the Cloudflare API;
    the managed hosts are not involved. Use it with C(delegate_to: localhost) or against C(localhost)."
  - An API token needs C(Zone WAF Write) for zone rules (check mode only reads, and needs C(Zone WAF Read)), and
    C(Account Rulesets Write) (or C(Account WAF Write), or C(Mass URL Redirects Write)) for account-level rules.
    Finding a zone by name needs C(Zone Read); checking the lists the rule uses needs C(Account Filter Lists Read).
  - O(account_id) is needed for zone rules too, since lists belong to the account.
  - Two tasks asking for the same place (two rules both O(position=first)) move their rules on every run.
seealso:
  - module: netedge.cloudflare.cloudflare_rule_info
    description: Read the rules of a phase's entry point.
  - module: netedge.cloudflare.cloudflare_list
    description: Create the lists that rules use.
  - module: netedge.cloudflare.cloudflare_list_items
    description: Manage the items of those lists.
  - name: Cloudflare API - Rulesets
    description: The entry point and per-rule calls this module makes.
    link: https://developers.cloudflare.com/ruleset-engine/rulesets-api/
  - name: WAF custom rules
    description: Rules of phase http_request_firewall_custom, and how they use lists.
    link: https://developers.cloudflare.com/waf/custom-rules/
"""

EXAMPLES = r"""
- name: Block the addresses of the blocked_ips list on example.com
  netedge.cloudflare.cloudflare_rule:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    zone: example.com
    ref: block_listed_ips
    description: Addresses blocked by the WAF
    expression: ip.src in $blocked_ips
    action: block
  register: blocking

- name: Show the rule's id and the entry point's version
  ansible.builtin.debug:
    msg: "Rule {{ blocking.rule.id }} is in ruleset {{ blocking.ruleset.id }}, version {{ blocking.ruleset.version }}"

- name: Challenge everything else from outside Europe, after the blocking rule
  netedge.cloudflare.cloudflare_rule:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    zone: example.com
    ref: challenge_outside_europe
    expression: ip.src.continent ne "EU"
    action: managed_challenge
    after: block_listed_ips

- name: Bulk Redirects from the redirects list (account level)
  netedge.cloudflare.cloudflare_rule:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    phase: http_request_redirect
    ref: redirects_from_list
    description: Redirects of the old site
    expression: http.request.full_uri in $redirects
    action: redirect
    action_parameters:
      from_list:
        name: redirects
        key: http.request.full_uri

- name: Manage rules with credentials set once
  module_defaults:
    group/netedge.cloudflare.cloudflare:
      api_token: "{{ cloudflare_api_token }}"
      account_id: "{{ cloudflare_account_id }}"
  block:
    - name: Log requests to the admin area, as the first rule
      netedge.cloudflare.cloudflare_rule:
        zone: example.com
        ref: log_admin
        expression: starts_with(http.request.uri.path, "/admin")
        action: log
        position: first

    - name: Turn it off without deleting it
      netedge.cloudflare.cloudflare_rule:
        zone: example.com
        ref: log_admin
        expression: starts_with(http.request.uri.path, "/admin")
        action: log
        enabled: false

    - name: Delete it (only ref is needed)
      netedge.cloudflare.cloudflare_rule:
        zone: example.com
        ref: log_admin
        state: absent
"""

RETURN = r"""
rule:
  description:
    - The rule, with Cloudflare's fields.
    - With O(state=present), the rule as Cloudflare holds it after the task. In check mode, the rule as it would be;
      a rule that would be added has no C(id) or C(version) yet (V(null)).
    - With O(state=absent), the rule as it was before it was deleted, or V(null) when there was no such rule.
  returned: always
  type: dict
  sample:
    id: 2c0fc9fa937b11eaa1b71c4d701ab86e
    ref: block_listed_ips
    version: "1"
    action: block
    expression: ip.src in $blocked_ips
    description: Addresses blocked by the WAF
    enabled: true
    last_updated: "2026-11-22T19:34:10Z"
ruleset:
  description:
    - The phase's entry point after the task (before it, in check mode); V(null) when the phase has none.
  returned: always
  type: dict
  contains:
    id:
      description: The ruleset's ID.
      type: str
      sample: 3a03d665bac047339bb530ecb439a90d
    phase:
      description: The phase.
      type: str
      sample: http_request_firewall_custom
    kind:
      description: V(zone) for a zone's entry point, V(root) for an account's.
      type: str
      sample: zone
    version:
      description: The ruleset's version; every change makes a new one.
      type: str
      sample: "4"
    num_rules:
      description: How many rules the entry point holds, this one and the others.
      type: int
      sample: 3
diff:
  description:
    - The rule's C(ref), C(action), C(expression), C(description), C(enabled) and C(action_parameters) before and after
      ({} where there is no rule), and its C(position) (1 is first) when it is added or moved.
  returned: always
  type: dict
  sample:
    before: {}
    after: {"ref": "block_listed_ips", "action": "block", "expression": "ip.src in $blocked_ips",
            "description": "", "enabled": true, "position": 2}
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

from ansible_collections.netedge.cloudflare.plugins.module_utils._module import client_for, cloudflare_module
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rule_task import ensure
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import RULESET_SPEC, check_rule_options


def main():
    module = cloudflare_module(
        dict(
            RULESET_SPEC,
            ref=dict(type="str", required=True),
            expression=dict(type="str"),
            action=dict(type="str"),
            action_parameters=dict(type="dict"),
            description=dict(type="str"),
            enabled=dict(type="bool", default=True),
            position=dict(type="str", choices=["first", "last"]),
            before=dict(type="str"),
            after=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        checks=(check_rule_options,),
    )
    client = client_for(module)
    try:
        outcome = ensure(client, module.params, check_mode=module.check_mode)
    finally:
        client.close()
    for warning in outcome.warnings:
        module.warn(warning)
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **outcome.result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
