# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark helper: start bulk operations when a task starts, and note when each task ends.

Used only by benchmarks/bench.py, on both sides of every comparison alike. It runs in the
controller's main process:

* at the start of a task whose name begins with ``Wait``, it asks the simulator's admin API
  (``POST /__sim/operations``) for one bulk operation per entry of ``BENCH_DURATIONS`` (seconds,
  comma-separated), and writes their ids, one a line, to ``BENCH_OP_FILE``; the task reads them
  with a file lookup. So an operation of T seconds starts when the task starts, as it would if
  the task right before had made the change;
* it notes ``time.time()`` when each task, and each loop item, ends (as the controller sees it),
  with what the task reported about its polls, and writes it all to ``BENCH_TIMES_FILE`` as JSON.
"""

import http.client
import json
import os
import time
from urllib.parse import urlsplit

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timing
type: aggregate
short_description: Start simulated bulk operations at task start and time task ends (benchmarks only)
description:
  - Only for benchmarks/bench.py. Configured through the environment variables BENCH_ADMIN_URL,
    BENCH_DURATIONS, BENCH_OP_FILE and BENCH_TIMES_FILE.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""


def _post_json(url, body):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("POST", parts.path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError("POST %s: HTTP %s %s" % (url, response.status, data[:200]))
        return json.loads(data)
    finally:
        conn.close()


def _poll_info(result):
    """What a task result says about its polls: the module's ``polls``, or uri's ``attempts``."""
    info = {}
    for key in ("polls", "elapsed", "attempts"):
        if key in result:
            info[key] = result[key]
    return info


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._admin = os.environ.get("BENCH_ADMIN_URL", "").rstrip("/")
        durations = os.environ.get("BENCH_DURATIONS", "")
        self._durations = [float(d) for d in durations.split(",") if d.strip()]
        self._op_file = os.environ.get("BENCH_OP_FILE")
        self._times_file = os.environ.get("BENCH_TIMES_FILE")
        self._record = {"operations": [], "tasks": [], "items": []}

    def v2_playbook_on_task_start(self, task, is_conditional):
        name = task.get_name()
        if name.startswith("Wait") and self._admin and self._durations:
            seeded = time.time()
            ids = [_post_json(self._admin + "/operations", {"duration": d})["id"] for d in self._durations]
            with open(self._op_file, "w", encoding="utf-8") as stream:
                stream.write("\n".join(ids) + "\n")
            self._record["operations"] = [{"id": i, "duration": d} for i, d in zip(ids, self._durations)]
            self._record["seeded"] = seeded
        self._record["tasks"].append({"name": name, "start": time.time()})

    def _task_end(self, result, status):
        task = self._record["tasks"][-1] if self._record["tasks"] else {}
        task["end"] = time.time()
        task["status"] = status
        task.update(_poll_info(result._result))
        if status != "ok":
            task["msg"] = str(result._result.get("msg", ""))[:500]

    def v2_runner_on_ok(self, result):
        self._task_end(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._task_end(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._task_end(result, "unreachable")

    def v2_runner_item_on_ok(self, result):
        item = {"end": time.time(), "status": "ok"}
        item.update(_poll_info(result._result))
        self._record["items"].append(item)

    def v2_runner_item_on_failed(self, result):
        item = {"end": time.time(), "status": "failed"}
        item.update(_poll_info(result._result))
        self._record["items"].append(item)

    def v2_playbook_on_stats(self, stats):
        if self._times_file:
            with open(self._times_file, "w", encoding="utf-8") as stream:
                json.dump(self._record, stream)
