# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seed one bulk operation per load host in the simulator, and write the inventory and the expectations.

seed.py STATE_FILE HOSTS FIRST_DURATION DURATION INVENTORY_OUT VARS_OUT

Every tenth operation ends failed, the others completed. The operations queue in one account and
Cloudflare processes them one at a time: the first runs FIRST_DURATION seconds (a large change at
the head of the queue), each other one DURATION more, so every host has to wait until its own
operation comes out of the queue.
"""

import json
import sys
import urllib.request

FAILURE = "item 0: '10.0.0.300' is not a valid IP address"


def admin(admin_url, method, path, body=None):
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(admin_url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def main(argv):
    state_file, hosts, first_duration, duration = argv[0], int(argv[1]), float(argv[2]), float(argv[3])
    inventory_out, vars_out = argv[4], argv[5]
    with open(state_file, encoding="utf-8") as stream:
        admin_url = json.load(stream)["admin_url"]
    if not admin_url.startswith("http://127.0.0.1:"):
        raise SystemExit("not a loopback simulator: %s" % admin_url)
    admin(admin_url, "DELETE", "/counters")
    expected = {}
    lines = ["[load]"]
    for number in range(1, hosts + 1):
        name = "load%02d" % number
        fail_with = FAILURE if number % 10 == 0 else None
        seconds = first_duration if number == 1 else duration
        operation_id = admin(admin_url, "POST", "/operations", {"duration": seconds, "fail_with": fail_with})["id"]
        expected[name] = {"operation_id": operation_id, "status": "failed" if fail_with else "completed"}
        lines.append("%s operation_id=%s expected_status=%s" % (name, operation_id, expected[name]["status"]))
    lines += ["", "[load:vars]", "ansible_connection=local", "ansible_python_interpreter={{ ansible_playbook_python }}"]
    with open(inventory_out, "w", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")
    with open(vars_out, "w", encoding="utf-8") as stream:
        json.dump({"load_expected": expected, "load_failure": FAILURE}, stream)


if __name__ == "__main__":
    main(sys.argv[1:])
