# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lookup plugin for the integration targets: call the simulator's admin API from a playbook.

It runs inside ansible-playbook, so seeding an operation or queueing a fault costs milliseconds
instead of a module run. simulator.sh puts this folder on ANSIBLE_LOOKUP_PLUGINS.
"""

DOCUMENTATION = r"""
name: sim_admin
short_description: Call the Cloudflare Lists simulator's admin API
description:
  - Sends one request to the admin API of the simulator whose state file is C(sim_state_file),
    and returns its JSON answer. Only a loopback admin URL is ever used.
options:
  _terms:
    description: C(METHOD /path) or C(/path) (a GET), relative to the admin URL, for example C(POST /operations).
    required: true
  body:
    description: The JSON body.
  count:
    description: Send the request this many times; C(query) then returns one answer per request.
    type: int
    default: 1
"""

EXAMPLES = r"""
- name: Seed an operation that runs for 2 seconds
  ansible.builtin.set_fact:
    operation_id: "{{ lookup('sim_admin', 'POST /operations', body={'duration': 2}).id }}"
"""

import json
import urllib.error
import urllib.request

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    """Call the simulator's admin API."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        state_file = (variables or {}).get("sim_state_file")
        if not state_file:
            raise AnsibleError("sim_admin: sim_state_file is not set; run the playbook from runme.sh")
        with open(state_file, encoding="utf-8") as stream:
            admin_url = json.load(stream)["admin_url"]
        if not admin_url.startswith("http://127.0.0.1:"):
            raise AnsibleError("sim_admin: %s is not a loopback simulator" % admin_url)
        body = self.get_option("body")
        data = None if body is None else json.dumps(body).encode("utf-8")
        # Never through a proxy from the environment: the simulator is on loopback.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        answers = []
        for term in terms:
            method, _sep, path = term.rpartition(" ")
            for _index in range(self.get_option("count")):
                request = urllib.request.Request(admin_url + path, data=data, method=method or "GET",
                                                 headers={"Content-Type": "application/json"})
                try:
                    with opener.open(request, timeout=10) as response:
                        answers.append(json.loads(response.read().decode("utf-8")))
                except urllib.error.HTTPError as exc:
                    answer = exc.read().decode("utf-8", "replace")
                    raise AnsibleError("sim_admin: %s %s: HTTP %s %s" % (method or "GET", path, exc.code, answer))
                except (OSError, ValueError) as exc:
                    raise AnsibleError("sim_admin: %s %s: %s" % (method or "GET", path, exc))
        return answers
