# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulator (tests/simulator/cloudflare_sim.py) as a child process on 127.0.0.1, and the calls the scenarios need.

Admin calls (``/__sim/...``) are not counted by the simulator; API calls are.
"""

import http.client
import json
import os
import subprocess
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
SIMULATOR = os.path.join(ROOT, "tests", "simulator", "cloudflare_sim.py")
PAGE = 500  # Cloudflare's largest page of items
LISTS_ROUTE = "/client/v4/accounts/%s/rules/lists"


class Simulator:
    """Started with ``flags`` (e.g. ``--rate-limit 1200/300``); stopped by ``stop``."""

    def __init__(self, python, workdir, lifetime, flags):
        self.state_file = os.path.join(workdir, "sim.json")
        self.log = open(os.path.join(workdir, "sim.log"), "wb")  # pylint: disable=consider-using-with
        self.flags = list(flags)
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [python, SIMULATOR, "--port", "0", "--lifetime", str(int(lifetime)), "--state-file", self.state_file] + self.flags,
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.state_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the simulator did not start; see %s" % self.log.name)
            time.sleep(0.05)
        with open(self.state_file, encoding="utf-8") as stream:
            self.state = json.load(stream)
        self.url = self.state["url"]
        self.port = self.state["port"]
        self.account_id = self.state["account_id"]
        self.token = self.state["api_token"]
        self.read_token = self.state["read_token"]

    def call(self, method, path, body=None, headers=None, timeout=300):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers=dict(headers or {}, **{"Content-Type": "application/json"}))
            response = conn.getresponse()
            data = json.loads(response.read() or b"null")
            if response.status != 200:
                raise RuntimeError("%s %s: HTTP %s %s" % (method, path, response.status, str(data)[:300]))
            return data
        finally:
            conn.close()

    def admin(self, method, route, body=None):
        return self.call(method, "/__sim/" + route, body)

    def counters(self):
        return self.admin("GET", "counters")

    def reset_counters(self):
        self.admin("DELETE", "counters")

    # -- bulk operations (the wait scenario) ---------------------------------------------------

    def add_operation(self, duration):
        return self.admin("POST", "operations", {"duration": duration})["id"]

    def operation(self, operation_id):
        """The operation as the API answers it (one counted API request: read counters first)."""
        path = (LISTS_ROUTE + "/bulk_operations/%s") % (self.account_id, operation_id)
        return self.call("GET", path, headers={"Authorization": "Bearer " + self.read_token})["result"]

    # -- lists (the sync scenarios) --------------------------------------------------------------

    def fresh_list(self, name, values):
        """Back to a fresh simulator (no lists, counters zero, a new rate-limit window), then one ip list."""
        self.admin("POST", "reset", {})
        lst = self.admin("POST", "lists", {"name": name, "kind": "ip", "items": [{"ip": v} for v in values]})
        self.reset_counters()
        return lst

    def held_values(self, list_id):
        """Every ``ip`` the list holds, read through the API with the rate limit switched off (reset restores it)."""
        self.admin("POST", "config", {"rate_limit": None})
        path = (LISTS_ROUTE + "/%s/items?per_page=%d") % (self.account_id, list_id, PAGE)
        headers = {"Authorization": "Bearer " + self.token}
        values, cursor = [], None
        for _page in range(5000):
            data = self.call("GET", path + ("&cursor=%s" % cursor if cursor else ""), headers=headers)
            values.extend(item["ip"] for item in data["result"])
            cursor = ((data.get("result_info") or {}).get("cursors") or {}).get("after")
            if not cursor or not data["result"]:
                return values
        raise RuntimeError("list %s: more than 5000 pages" % list_id)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
