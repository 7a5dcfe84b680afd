#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: cloudflare_rule_info
short_description: Read the rules of a Cloudflare phase entry point
version_added: 1.2.0
description:
  - Reads the entry point ruleset of a phase, in a zone or in the account, and returns its rules in order
    (the order in which Cloudflare runs them), with Cloudflare's fields; or only the rule with O(ref).
  - A phase without an entry point returns no rules and RV(ruleset=null), not a failure; so does a O(ref) that
    matches no rule (RV(rules=[])), so a playbook can test whether a rule exists.
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
    description: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
options:
  ref:
    description:
      - Return only the rule with this ref.
    type: str
notes:
  - "The module runs on the controller (or the host it is delegated to) and talks HTTPS to the Cloudflare API;
    the managed hosts are not involved. Use it with C(delegate_to: localhost) or against C(localhost)."
  - An API token needs C(Zone WAF Read) for zone rules, C(Account Rulesets Read) (or C(Account WAF Read), or
    C(Mass URL Redirects Read)) for account-level rules, and C(Zone Read) to find a zone by name.
seealso:
  - module: netedge.cloudflare.cloudflare_rule
    description: Add, update, move or delete one rule.
  - module: netedge.cloudflare.cloudflare_list_info
    description: Read the lists that rules use.
  - name: Cloudflare API - Rulesets
    description: The entry point call this module makes.
    link: https://developers.cloudflare.com/ruleset-engine/rulesets-api/
"""

EXAMPLES = r"""
- name: Read the WAF custom rules of example.com
  netedge.cloudflare.cloudflare_rule_info:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    zone: example.com
  register: custom

- name: Show each rule's ref and action, in the order Cloudflare runs them
  ansible.builtin.debug:
    msg: "{{ custom.rules | map(attribute='ref') | zip(custom.rules | map(attribute='action')) | list }}"

- name: Read one rule of the account's Bulk Redirects
  netedge.cloudflare.cloudflare_rule_info:
    account_id: "{{ cloudflare_account_id }}"
    api_token: "{{ cloudflare_api_token }}"
    phase: http_request_redirect
    ref: redirects_from_list
  register: redirect_rule

- name: Say whether it exists
  ansible.builtin.debug:
    msg: "{{ 'present' if redirect_rule.rules else 'absent' }}"
"""

RETURN = r"""
rules:
  description:
    - The rules of the entry point in order, with Cloudflare's fields; only the one with O(ref) when it is given.
    - V([]) when the phase has no entry point, or no rule has O(ref).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 2c0fc9fa937b11eaa1b71c4d701ab86e
      ref: block_listed_ips
      version: "1"
      action: block
      expression: ip.src in $blocked_ips
      description: Addresses blocked by the WAF
      enabled: true
      last_updated: "2026-11-22T19:34:10Z"
ruleset:
  description: The phase's entry point; V(null) when the phase has none.
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
      description: How many rules the entry point holds (all of them, also when O(ref) is given).
      type: int
      sample: 3
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
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rule_info import check_info_options, read_rules
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import RULESET_SPEC


def main():
    module = cloudflare_module(
        dict(
            RULESET_SPEC,
            ref=dict(type="str"),
        ),
        checks=(check_info_options,),
    )
    client = client_for(module)
    try:
        outcome = read_rules(client, module.params)
    finally:
        client.close()
    if outcome.failure:
        module.fail_json(msg=outcome.failure, **outcome.result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
