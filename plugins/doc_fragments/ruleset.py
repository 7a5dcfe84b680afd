# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Documents plugins/module_utils/_rulesets/rules.py RULESET_SPEC; a unit test keeps the two in step.
    DOCUMENTATION = r"""
options:
  zone:
    description:
      - The name of the zone whose entry point holds the rules, for example V(example.com). It is looked up by name,
        which needs the C(Zone Read) permission.
      - Mutually exclusive with O(zone_id). With neither, the account's entry point is used (account-level rules and
        Bulk Redirects).
    type: str
  zone_id:
    description:
      - The 32-character hexadecimal ID of the zone. Mutually exclusive with O(zone).
    type: str
  phase:
    description:
      - The phase whose entry point holds the rules.
      - V(http_request_firewall_custom) holds WAF custom rules; V(http_request_redirect), at account level, Bulk
        Redirect rules. The other C(http_*) phases of Cloudflare's Rulesets API are accepted too.
    type: str
    default: http_request_firewall_custom
"""
