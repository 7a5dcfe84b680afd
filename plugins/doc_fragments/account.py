# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Documents plugins/module_utils/_options.py ACCOUNT_SPEC; a unit test keeps the two in step.
    DOCUMENTATION = r"""
options:
  account_id:
    description:
      - The 32-character hexadecimal ID of the Cloudflare account that owns the lists
        (shown in the dashboard's URL and on the account's overview page).
      - If not set, the environment variable E(CLOUDFLARE_ACCOUNT_ID) is used.
      - Checked before any request is made.
    type: str
    required: true
"""
