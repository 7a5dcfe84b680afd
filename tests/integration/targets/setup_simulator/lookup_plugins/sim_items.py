# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lookup plugin for the integration targets: the items a simulator list holds.

It reads them through the simulator's API, independently of the module under test, so that a
playbook can check what a task left in the list. Its requests are counted by the simulator like
any other: read the counters before it, not after. sim_start (simulator.sh) puts this folder on
ANSIBLE_LOOKUP_PLUGINS, beside the sim_admin lookup.
"""

DOCUMENTATION = r"""
name: sim_items
short_description: Read every item of a list of the Cloudflare Lists simulator
description:
  - Returns the items of each named list (all pages) of the simulator whose state file is C(sim_state_file),
    as the API returns them. Only a loopback simulator is ever used.
options:
  _terms:
    description: List names.
    required: true
"""

EXAMPLES = r"""
- name: The IPs the list holds
  ansible.builtin.set_fact:
    held: "{{ query('sim_items', 'blocked') | map(attribute='ip') | sort }}"
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase


def _get(opener, url, token):
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with opener.open(request, timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        # The token is never part of the message: only the status and the path.
        raise AnsibleError("sim_items: HTTP %s for %s" % (exc.code, urllib.parse.urlsplit(url).path))


class LookupModule(LookupBase):
    """Read the items of simulator lists."""

    def run(self, terms, variables=None, **kwargs):
        state_file = (variables or {}).get("sim_state_file")
        if not state_file:
            raise AnsibleError("sim_items: sim_state_file is not set; run the playbook from runme.sh")
        with open(state_file, encoding="utf-8") as stream:
            state = json.load(stream)
        if not state["url"].startswith("http://127.0.0.1:"):
            raise AnsibleError("sim_items: %s is not a loopback simulator" % state["url"])
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        lists_url = "%s/accounts/%s/rules/lists" % (state["url"], state["account_id"])
        lists = _get(opener, lists_url, state["api_token"])["result"]
        items = []
        for name in terms:
            found = [lst for lst in lists if lst["name"] == name]
            if not found:
                raise AnsibleError("sim_items: no list %r" % name)
            query = {"per_page": 500}
            while True:
                page = _get(opener, "%s/%s/items?%s" % (lists_url, found[0]["id"], urllib.parse.urlencode(query)),
                            state["api_token"])
                items.extend(page["result"])
                after = ((page.get("result_info") or {}).get("cursors") or {}).get("after")
                if not after:
                    break
                query["cursor"] = after
        return items
