#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: sim_case
short_description: Prepare the Cloudflare simulator for one fault case (test helper)
description:
  - Resets the simulator on 127.0.0.1, applies configuration, seeds one bulk operation and queues
    faults aimed at it, in one task. Returns the operation's id, the request that reads it (as the
    simulator counts it) and the time it was ready.
options:
  admin_url:
    description: The simulator's admin URL (C(http://127.0.0.1:PORT/__sim)).
    type: str
    required: true
  account_id:
    description: The simulator's account.
    type: str
    required: true
  config:
    description: Settings for C(POST /__sim/config), for example C(rate_limit).
    type: dict
    default: {}
  duration:
    description: Seconds the seeded operation runs.
    type: float
    default: 0
  fail_with:
    description: If set, the operation ends failed with this text.
    type: str
  faults:
    description: Faults for C(POST /__sim/faults); each gets C(path) set to the operation's id.
    type: list
    elements: dict
    default: []
author: netedge.cloudflare maintainers
"""

import json
import time
import urllib.request

from ansible.module_utils.basic import AnsibleModule


def call(admin_url, method, path, body=None):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(admin_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    # Loopback only, never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def main():
    module = AnsibleModule(argument_spec=dict(
        admin_url=dict(type="str", required=True),
        account_id=dict(type="str", required=True),
        config=dict(type="dict", default={}),
        duration=dict(type="float", default=0),
        fail_with=dict(type="str"),
        faults=dict(type="list", elements="dict", default=[]),
    ))
    params = module.params
    if not params["admin_url"].startswith("http://127.0.0.1:"):
        module.fail_json(msg="not a loopback simulator: %s" % params["admin_url"])
    url = params["admin_url"]
    call(url, "POST", "/reset", {})
    if params["config"]:
        call(url, "POST", "/config", params["config"])
    operation_id = call(url, "POST", "/operations", {"duration": params["duration"], "fail_with": params["fail_with"]})["id"]
    faults = [dict(fault, path=operation_id) for fault in params["faults"]]
    if faults:
        call(url, "POST", "/faults", faults)
    # ``ready_at`` (epoch seconds) starts the clock of the task that follows: the time Ansible
    # takes to start that task counts against it, never for it.
    module.exit_json(changed=True, operation_id=operation_id, ready_at=time.time(),
                     read=("GET /client/v4/accounts/%s/rules/lists/bulk_operations/%s" % (params["account_id"], operation_id)))


if __name__ == "__main__":
    main()
