# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Measure netedge.cloudflare.cloudflare_list_bulk_operation_info against what users write today.

The baseline is ansible.builtin.uri (retried with ``until``, ``delay: 1`` for waits). Both sides
run against the simulator (tests/simulator/cloudflare_sim.py) in one process tree each, in the
same run, alternating, so that medians and ratios compare like with like on a busy machine.

Scenarios (see docs/performance.md for what each number means and how it is taken):

1. ``status``: one status check, ad hoc (``ansible localhost -m ...``);
2. ``wait``: one playbook task waiting on an operation of T seconds, for each T of ``--waits``;
3. ``loop``: one task looping over ``--loop-ops`` operations, each waited on in turn;
4. ``imports``: the module's start-up cost, ``python -X importtime`` on the AnsiballZ payloads.

Run it with ``make bench`` (benchmarks/run.sh picks the harness venv), or with any Python
that has ansible-core and requests: ``python benchmarks/bench.py --runs 5``. Results go to
benchmarks/results/latest.json and latest.md; ``--write-doc`` also puts the tables into
docs/performance.md between its ``bench:begin`` and ``bench:end`` markers.
"""

import argparse
import datetime
import glob
import http.client
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLAYBOOKS = os.path.join(HERE, "playbooks")
SIMULATOR = os.path.join(ROOT, "tests", "simulator", "cloudflare_sim.py")
WAITER = os.path.join(ROOT, "plugins", "module_utils", "_api", "waiter.py")
DOC = os.path.join(ROOT, "docs", "performance.md")
DOC_BEGIN = "<!-- bench:begin -->"
DOC_END = "<!-- bench:end -->"

MODULE = "netedge.cloudflare.cloudflare_list_bulk_operation_info"
SIDES = ("module", "uri")
# "module_ws" is the module with another wait_sleep (--module-wait-sleep), measured only when asked.
PLAYBOOK_SIDE = {"module": "module", "uri": "uri", "module_ws": "module"}

# Targets (docs/performance.md says where they come from).
WAIT_CPU_RATIO = 0.5
WAIT_WALL_RATIO = 1.05
STATUS_WALL_RATIO = 1.1
MODULE_RSS_MB = 60.0
URI_DELAY = 1.0  # the uri side's `delay`, as in the playbooks
IDLE_SECONDS = 5.0  # bench_pause's default in playbooks/idle.yml
MODEL_DURATIONS = [2.0, 10.0, 60.0, 300.0]  # modelled besides the measured waits


def lag_bound(duration):
    """How long after an operation of ``duration`` seconds finishes its wait may end."""
    return max(0.5, 0.25 * duration)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def parse_rfc3339(text):
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class Simulator:
    """The simulator as a child process, and the few admin and API calls the benchmark needs."""

    def __init__(self, python, workdir, lifetime):
        self.state_file = os.path.join(workdir, "sim.json")
        self.log = open(os.path.join(workdir, "sim.log"), "wb")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [python, SIMULATOR, "--port", "0", "--lifetime", str(int(lifetime)), "--state-file", self.state_file,
             "--rate-limit", "off"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not os.path.exists(self.state_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the simulator did not start; see %s" % self.log.name)
            time.sleep(0.05)
        with open(self.state_file, encoding="utf-8") as stream:
            self.state = json.load(stream)
        self.url = self.state["url"]
        self.port = self.state["port"]

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers=dict(headers or {}, **{"Content-Type": "application/json"}))
            response = conn.getresponse()
            data = json.loads(response.read() or b"null")
            if response.status != 200:
                raise RuntimeError("%s %s: HTTP %s %s" % (method, path, response.status, data))
            return data
        finally:
            conn.close()

    def counters(self):
        return self.call("GET", "/__sim/counters")

    def reset_counters(self):
        self.call("DELETE", "/__sim/counters")

    def add_operation(self, duration):
        return self.call("POST", "/__sim/operations", {"duration": duration})["id"]

    def operation(self, operation_id):
        """The operation as the API answers it (one counted API request: read counters first)."""
        path = "/client/v4/accounts/%s/rules/lists/bulk_operations/%s" % (self.state["account_id"], operation_id)
        return self.call("GET", path, headers={"Authorization": "Bearer " + self.state["read_token"]})["result"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def measure(argv, env, cwd, log_path, timeout):
    """Run a command; its wall time and the rusage of it and every descendant it waited for.

    ``os.wait4`` returns the child's own usage plus that of all its descendants that were
    waited for (ansible's workers, the module processes, /bin/sh): CPU is their sum, and
    ``ru_maxrss`` is the largest peak RSS of any single one of them, not a sum.
    """
    with open(log_path, "ab") as log:
        log.write(("$ %s\n" % " ".join(argv)).encode())
        log.flush()
        started = time.monotonic()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,  # pylint: disable=consider-using-with
                                stderr=subprocess.STDOUT, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": proc.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "cpu_user": usage.ru_utime, "cpu_sys": usage.ru_stime, "tree_rss_mb": usage.ru_maxrss / 1024.0}


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


SHIM = r'''#!{python} -S
# Runs the real interpreter and notes the peak RSS and CPU of that one process (benchmarks only).
import json, os, sys, time
started = time.monotonic()
pid = os.posix_spawn({python!r}, [{python!r}] + sys.argv[1:], os.environ)
status, usage = os.wait4(pid, 0)[1:]
with open({log!r}, "a") as stream:
    stream.write(json.dumps({{"wall": time.monotonic() - started, "cpu": usage.ru_utime + usage.ru_stime,
                              "rss_mb": usage.ru_maxrss / 1024.0}}) + "\n")
sys.exit(os.waitstatus_to_exitcode(status) & 255)
'''


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------

class Bench:  # pylint: disable=too-many-instance-attributes

    def __init__(self, args):
        self.args = args
        self.python = os.path.abspath(args.python)
        self.bindir = os.path.dirname(self.python)
        self.work = tempfile.mkdtemp(prefix="netedge-bench-")
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.logs)
        self.results = {"scenarios": {}, "targets": []}
        self.sim = None
        self._setup_collection()
        self._setup_shim()
        self.runs_done = 0

    # -- set-up ------------------------------------------------------------------------------

    def _setup_collection(self):
        """ANSIBLE_COLLECTIONS_PATH holding ansible_collections/netedge/cloudflare -> this checkout."""
        self.collections = os.path.join(self.work, "collections")
        namespace = os.path.join(self.collections, "ansible_collections", "netedge")
        os.makedirs(namespace)
        os.symlink(ROOT, os.path.join(namespace, "cloudflare"))
        self.config = os.path.join(self.work, "ansible.cfg")
        with open(self.config, "w", encoding="utf-8") as stream:
            stream.write("[defaults]\n")

    def _setup_shim(self):
        self.shim_log = os.path.join(self.work, "shim.jsonl")
        self.shim = os.path.join(self.work, "python-shim")
        with open(self.shim, "w", encoding="utf-8") as stream:
            stream.write(SHIM.format(python=self.python, log=self.shim_log))
        os.chmod(self.shim, 0o755)

    def start_simulator(self, lifetime):
        self.sim = Simulator(self.python, self.work, lifetime)
        self.vars_file = os.path.join(self.work, "vars.json")
        self.op_file = os.path.join(self.work, "operations.txt")
        with open(self.vars_file, "w", encoding="utf-8") as stream:
            json.dump({"cf_base_url": self.sim.url, "cf_account_id": self.sim.state["account_id"],
                       "cf_api_token": self.sim.state["read_token"], "bench_op_file": self.op_file}, stream)

    def env(self, **extra):
        """A clean environment: the venv first on PATH, no proxies, no user ansible.cfg."""
        home = os.path.join(self.work, "home")
        env = {
            "PATH": os.pathsep.join([self.bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": os.environ.get("HOME", home),
            "LANG": "C.UTF-8",
            "TMPDIR": self.work,
            "no_proxy": "127.0.0.1,localhost",
            "ANSIBLE_CONFIG": self.config,
            "ANSIBLE_HOME": os.path.join(self.work, "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.work, "ansible-local"),
            "ANSIBLE_REMOTE_TEMP": os.path.join(self.work, "ansible-remote"),
            "ANSIBLE_COLLECTIONS_PATH": self.collections,
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timing",
            "CLOUDFLARE_API_TOKEN": self.sim.state["read_token"],
            "CLOUDFLARE_ACCOUNT_ID": self.sim.state["account_id"],
            "CLOUDFLARE_BASE_URL": self.sim.url,
        }
        env.update(extra)
        return env

    def run(self, label, argv, timeout, **env):
        log = os.path.join(self.logs, "%s.log" % label)
        result = measure(argv, self.env(**env), self.work, log, timeout)
        self.runs_done += 1
        if result["rc"] != 0:
            raise RuntimeError("%s failed (exit %s); see %s" % (label, result["rc"], log))
        return result

    # -- commands ------------------------------------------------------------------------------

    def adhoc(self, side, operation_id, shim=False):
        argv = [os.path.join(self.bindir, "ansible"), "localhost"]
        if side == "module":
            argv += ["-m", MODULE, "-a", "operation_id=%s" % operation_id]
        else:
            url = "%s/accounts/%s/rules/lists/bulk_operations/%s" % (self.sim.url, self.sim.state["account_id"], operation_id)
            argv += ["-m", "ansible.builtin.uri",
                     "-a", json.dumps({"url": url, "headers": {"Authorization": "Bearer " + self.sim.state["read_token"]}})]
        if shim:
            argv += ["-e", "ansible_python_interpreter=%s" % self.shim]
        return argv

    def playbook(self, name):
        return [os.path.join(self.bindir, "ansible-playbook"), os.path.join(PLAYBOOKS, name), "-e", "@" + self.vars_file]

    def run_playbook(self, label, name, durations, timeout, extra_vars=(), **extra_env):
        """Run a playbook whose "Wait" task gets operations of ``durations`` seconds; add what the callback saw."""
        times_file = os.path.join(self.work, "times.json")
        if os.path.exists(times_file):
            os.remove(times_file)
        self.sim.reset_counters()
        result = self.run(label, self.playbook(name) + list(extra_vars), timeout,
                          BENCH_ADMIN_URL=self.sim.state["admin_url"], BENCH_OP_FILE=self.op_file,
                          BENCH_TIMES_FILE=times_file, BENCH_DURATIONS=",".join("%g" % d for d in durations), **extra_env)
        counters = self.sim.counters()
        result["requests"] = counters["total"]
        result["connections"] = counters["api_connections"]
        with open(times_file, encoding="utf-8") as stream:
            times = json.load(stream)
        task = [t for t in times["tasks"] if t["name"].startswith("Wait")][-1]
        if task.get("status") != "ok":
            raise RuntimeError("%s: the task ended %s: %s" % (label, task.get("status"), task.get("msg")))
        ends = [parse_rfc3339(self.sim.operation(op["id"])["completed"]) for op in times["operations"]]
        result["task_seconds"] = task["end"] - task["start"]
        result["lag"] = task["end"] - max(ends)
        result["polls"] = task.get("polls", task.get("attempts"))
        result["elapsed"] = task.get("elapsed")
        if times["items"]:
            result["item_polls"] = [i.get("polls", i.get("attempts")) for i in times["items"]]
        return result

    @staticmethod
    def order(index, sides=SIDES):
        """The sides in turn: each run starts with the next one, so none always runs first."""
        shift = index % len(sides)
        return tuple(sides[shift:] + sides[:shift])

    def wait_sides(self):
        return SIDES + (("module_ws",) if self.args.module_wait_sleep else ())

    def side_vars(self, side):
        return ["-e", "bench_wait_sleep=%g" % self.args.module_wait_sleep] if side == "module_ws" else []

    def progress(self, index, records, with_lag=True):
        parts = []
        for side in self.wait_sides():
            run = records[side][-1]
            text = "%s %.2f s %s req" % (side, run["wall"], run["requests"])
            if with_lag:
                text += " lag %.2f s" % run["lag"]
            parts.append(text)
        say("   run %d/%d: %s" % (index + 1, self.args.runs, " | ".join(parts)))

    # -- scenarios -----------------------------------------------------------------------------

    def scenario_status(self):
        runs = self.args.runs
        say("== one status check, ad hoc: %d runs each, alternating (plus %d each with a shim noting the module process)" % (runs, runs))
        operation_id = self.sim.add_operation(0)
        time.sleep(0.2)
        records = {side: [] for side in SIDES}
        shim_records = {side: [] for side in SIDES}
        for side in SIDES:  # warm-up: not recorded
            self.run("status-warmup-%s" % side, self.adhoc(side, operation_id), 120)
        for index in range(runs):
            for side in self.order(index):
                self.sim.reset_counters()
                result = self.run("status-%s-%d" % (side, index), self.adhoc(side, operation_id), 120)
                counters = self.sim.counters()
                result["requests"] = counters["total"]
                result["connections"] = counters["api_connections"]
                records[side].append(result)
            for side in self.order(index + 1):
                if os.path.exists(self.shim_log):
                    os.remove(self.shim_log)
                result = self.run("status-shim-%s-%d" % (side, index), self.adhoc(side, operation_id, shim=True), 120)
                with open(self.shim_log, encoding="utf-8") as stream:
                    result["process"] = [json.loads(line) for line in stream if line.strip()]
                shim_records[side].append(result)
            say("   run %d/%d: module %.2f s, uri %.2f s" % (index + 1, runs, records["module"][-1]["wall"], records["uri"][-1]["wall"]))
        summary = {}
        for side in SIDES:
            summary[side] = {
                "wall": median(r["wall"] for r in records[side]),
                "cpu": median(r["cpu"] for r in records[side]),
                "tree_rss_mb": median(r["tree_rss_mb"] for r in records[side]),
                "tree_rss_mb_max": max(r["tree_rss_mb"] for r in records[side]),
                "requests": median(r["requests"] for r in records[side]),
                "connections": median(r["connections"] for r in records[side]),
                "process_wall": median(p["wall"] for r in shim_records[side] for p in r["process"]),
                "process_cpu": median(p["cpu"] for r in shim_records[side] for p in r["process"]),
                "process_rss_mb": median(p["rss_mb"] for r in shim_records[side] for p in r["process"]),
                "process_rss_mb_max": max(p["rss_mb"] for r in shim_records[side] for p in r["process"]),
            }
        self.results["scenarios"]["status"] = {"runs": records, "shim_runs": shim_records, "summary": summary}
        wall_ratio = ratio(summary["module"]["wall"], summary["uri"]["wall"])
        self.target("status", "wall <= %.2fx uri's" % STATUS_WALL_RATIO, wall_ratio, wall_ratio is not None and wall_ratio <= STATUS_WALL_RATIO,
                    "%.2fx" % wall_ratio)
        rss = summary["module"]["process_rss_mb_max"]
        self.target("status", "module process peak RSS <= %g MB" % MODULE_RSS_MB, rss, rss <= MODULE_RSS_MB,
                    "%.1f MB (largest of %d runs)" % (rss, runs))

    def scenario_floor(self):
        runs = self.args.runs
        idle_runs = max(1, min(runs, 3))
        say("== floor: the same playbook run with a task that starts no module, %d runs; and pausing %g s in it, %d runs"
            % (runs, IDLE_SECONDS, idle_runs))
        self.run_playbook("floor-warmup", "floor.yml", [0], 120)
        records, idle = [], []
        for index in range(runs):
            records.append(self.run_playbook("floor-%d" % index, "floor.yml", [0], 120))
            if index < idle_runs:
                idle.append(self.run_playbook("idle-%d" % index, "idle.yml", [0], 120))
        summary = {"wall": median(r["wall"] for r in records), "cpu": median(r["cpu"] for r in records),
                   "tree_rss_mb": median(r["tree_rss_mb"] for r in records)}
        summary["idle_cpu"] = median(r["cpu"] for r in idle)
        summary["idle_cpu_per_second"] = (summary["idle_cpu"] - summary["cpu"]) / IDLE_SECONDS
        say("   floor: wall %.2f s, CPU %.2f s; while a task waits, ansible-core itself uses %.3f CPU-s per s"
            % (summary["wall"], summary["cpu"], summary["idle_cpu_per_second"]))
        self.results["scenarios"]["floor"] = {"runs": records, "idle_runs": idle, "summary": summary}

    def scenario_wait(self, duration):
        runs = self.args.runs
        say("== wait on an operation of %g s: %d runs each, alternating" % (duration, runs))
        records = {side: [] for side in self.wait_sides()}
        timeout = 120 + 3 * duration
        for index in range(runs):
            for side in self.order(index, self.wait_sides()):
                records[side].append(self.run_playbook("wait%g-%s-%d" % (duration, side, index), "wait_%s.yml" % PLAYBOOK_SIDE[side],
                                                       [duration], timeout, self.side_vars(side)))
            self.progress(index, records)
        summary = self.summarize_waits(records)
        self.results["scenarios"]["wait_%g" % duration] = {"duration": duration, "runs": records, "summary": summary}
        self.check_wait_targets("wait T=%g s" % duration, summary, records, expected_connections=1)
        bound = lag_bound(duration)
        worst = max(r["lag"] for r in records["module"])
        self.target("wait T=%g s" % duration, "task ends <= %.2f s after the operation" % bound, worst, worst <= bound,
                    "median %.2f s, worst %.2f s" % (summary["module"]["lag"], worst))

    def scenario_loop(self):
        runs, count, duration = self.args.runs, self.args.loop_ops, self.args.loop_duration
        say("== loop over %d operations of %g s each (queued, so they end one after another): %d runs each" % (count, duration, runs))
        records = {side: [] for side in self.wait_sides()}
        for index in range(runs):
            for side in self.order(index, self.wait_sides()):
                records[side].append(self.run_playbook("loop-%s-%d" % (side, index), "loop_%s.yml" % PLAYBOOK_SIDE[side],
                                                       [duration] * count, 300 + 3 * count * duration, self.side_vars(side)))
            self.progress(index, records, with_lag=False)
        summary = self.summarize_waits(records)
        self.results["scenarios"]["loop"] = {"operations": count, "duration": duration, "runs": records, "summary": summary}
        self.check_wait_targets("loop of %d" % count, summary, records, expected_connections=count)

    def summarize_waits(self, records):
        floor = self.results["scenarios"].get("floor", {}).get("summary", {})
        summary = {}
        for side, rows in records.items():
            summary[side] = {
                "wall": median(r["wall"] for r in rows),
                "cpu": median(r["cpu"] for r in rows),
                "cpu_above_floor": median(r["cpu"] - floor["cpu"] for r in rows) if floor else None,
                "tree_rss_mb": median(r["tree_rss_mb"] for r in rows),
                "requests": median(r["requests"] for r in rows),
                "connections": median(r["connections"] for r in rows),
                "lag": median(r["lag"] for r in rows),
                "lag_max": max(r["lag"] for r in rows),
                "task_seconds": median(r["task_seconds"] for r in rows),
            }
        return summary

    def check_wait_targets(self, scenario, summary, records, expected_connections):
        module, uri = summary["module"], summary["uri"]
        cpu_ratio = ratio(module["cpu"], uri["cpu"])
        note = "%.2fx" % cpu_ratio
        if module["cpu_above_floor"] is not None:
            note += " (above the floor: %.2fx)" % ratio(module["cpu_above_floor"], uri["cpu_above_floor"])
        self.target(scenario, "controller CPU <= %.2fx uri's" % WAIT_CPU_RATIO, cpu_ratio, cpu_ratio <= WAIT_CPU_RATIO, note)
        wall_ratio = ratio(module["wall"], uri["wall"])
        self.target(scenario, "wall <= %.2fx uri's" % WAIT_WALL_RATIO, wall_ratio, wall_ratio <= WAIT_WALL_RATIO, "%.3fx" % wall_ratio)
        self.target(scenario, "requests <= uri's", module["requests"], module["requests"] <= uri["requests"],
                    "%g vs %g" % (module["requests"], uri["requests"]))
        connections = sorted(set(r["connections"] for r in records["module"]))
        self.target(scenario, "%d TCP connection%s" % (expected_connections, "s (1 per wait)" if expected_connections > 1 else " per wait"),
                    connections, connections == [expected_connections], "seen: %s" % ", ".join(str(c) for c in connections))

    def scenario_imports(self):
        runs = self.args.import_runs
        say("== module start-up: python -X importtime on the AnsiballZ payloads, %d runs each" % runs)
        operation_id = self.sim.add_operation(0)
        payloads = {}
        for side in SIDES:
            keep = os.path.join(self.work, "keep-%s" % side)
            self.run("imports-keep-%s" % side, self.adhoc(side, operation_id), 120,
                     ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TEMP=keep)
            found = glob.glob(os.path.join(keep, "*", "AnsiballZ_*.py"))
            if len(found) != 1:
                raise RuntimeError("expected one AnsiballZ payload under %s, found %s" % (keep, found))
            payloads[side] = found[0]
        trees = {side: [] for side in SIDES}
        plain = {side: [] for side in SIDES + ("python",)}
        env = self.env()
        for index in range(runs):
            for side in self.order(index):
                argv = [self.python, "-X", "importtime", payloads[side]]
                proc = subprocess.run(argv, env=env, cwd=self.work, capture_output=True, check=True, timeout=60)
                trees[side].append(parse_importtime(proc.stderr.decode("utf-8", "replace")))
                plain[side].append(measure([self.python, payloads[side]], env, self.work,
                                           os.path.join(self.logs, "imports-plain-%s.log" % side), 60))
            plain["python"].append(measure([self.python, "-c", "pass"], env, self.work,
                                           os.path.join(self.logs, "imports-python.log"), 60))
        marginal = self.marginal_imports(runs)
        summary = {}
        for side in SIDES:
            summary[side] = {
                "process_wall": median(r["wall"] for r in plain[side]),
                "process_cpu": median(r["cpu"] for r in plain[side]),
                "process_rss_mb": median(r["tree_rss_mb"] for r in plain[side]),
                "imports_ms": median(t["total_ms"] for t in trees[side]),
                "named_ms": {name: median(t["named"].get(name) for t in trees[side]) for name in IMPORT_NAMES},
                "own_ms": median(t["own_ms"] for t in trees[side]),
                "own_modules": {name: median(t["self"].get(name, 0.0) for t in trees[side]) for name in trees[side][0]["own_modules"]},
                "largest": largest_imports(trees[side]),
            }
        summary["python"] = {"process_wall": median(r["wall"] for r in plain["python"]),
                             "process_cpu": median(r["cpu"] for r in plain["python"])}
        summary["marginal"] = marginal
        self.results["scenarios"]["imports"] = {"summary": summary, "payload_bytes": {s: os.path.getsize(p) for s, p in payloads.items()}}
        say("   module payload: %.0f ms of imports, requests %.0f ms; uri payload: %.0f ms, ansible.module_utils.urls %.0f ms" % (
            summary["module"]["imports_ms"], summary["module"]["named_ms"]["requests"] or 0,
            summary["uri"]["imports_ms"], summary["uri"]["named_ms"]["ansible.module_utils.urls"] or 0))

    def marginal_imports(self, runs):
        """Wall time of importing X in a process that has already imported ansible.module_utils.basic."""
        code = ("import sys, time, ansible.module_utils.basic\n"
                "before = set(sys.modules)\n"
                "t = time.perf_counter()\n"
                "import %s\n"
                "print(time.perf_counter() - t, len(set(sys.modules) - before))\n")
        out = {}
        for name in ("requests", "ansible.module_utils.urls", "http.client"):
            samples = []
            for _index in range(runs):
                proc = subprocess.run([self.python, "-c", code % name], env=self.env(), cwd=self.work,
                                      capture_output=True, check=True, timeout=60)
                seconds, modules = proc.stdout.split()
                samples.append((float(seconds), int(modules)))
            out[name] = {"ms": 1000 * median(s for s, _m in samples), "modules": samples[0][1]}
        return out

    # -- targets and reports -------------------------------------------------------------------

    def target(self, scenario, name, value, met, note):
        self.results["targets"].append({"scenario": scenario, "target": name, "value": value, "met": bool(met), "note": note})


IMPORT_NAMES = ("requests", "urllib3", "charset_normalizer", "http.cookiejar", "idna", "ansible.module_utils.basic",
                "ansible.module_utils.urls", "http.client", "email.utils")
IMPORT_RE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)\s*$")


def parse_importtime(text):
    """Totals of ``-X importtime`` output: every import's own and cumulative microseconds."""
    entries = []
    for line in text.splitlines():
        match = IMPORT_RE.match(line)
        if match:
            entries.append((match.group(4), int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2))
    named = {}
    for name, _self_us, cumulative, _depth in entries:
        if name in IMPORT_NAMES and name not in named:
            named[name] = cumulative / 1000.0
    own = [(name, self_us) for name, self_us, _cum, _depth in entries
           if name.startswith("ansible_collections.netedge.") and name.rsplit(".", 1)[-1].startswith("_")]
    return {
        "total_ms": sum(cum for _n, _s, cum, depth in entries if depth == 0) / 1000.0,
        "named": named,
        "own_ms": sum(s for _n, s in own) / 1000.0,
        "own_modules": [n for n, _s in own],
        "self": {name: self_us / 1000.0 for name, self_us, _c, _d in entries},
    }


def largest_imports(trees, count=8):
    """The imports with the largest own time (median over runs)."""
    names = set()
    for tree in trees:
        names.update(tree["self"])
    medians = {name: median(t["self"].get(name, 0.0) for t in trees) for name in names}
    return sorted(medians.items(), key=lambda kv: -kv[1])[:count]


# ---------------------------------------------------------------------------------------------
# The poll schedule, modelled: how many requests and how much lag each schedule costs
# ---------------------------------------------------------------------------------------------

def load_next_pause():
    spec = importlib.util.spec_from_file_location("netedge_bench_waiter", WAITER)
    waiter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(waiter)
    return waiter.next_pause


def schedule_polls(pause, horizon):
    """Poll times (seconds after the first poll) up to and including the first at or past ``horizon``."""
    times = [0.0]
    while times[-1] < horizon:
        times.append(times[-1] + pause(times[-1]))
    return times


def model_schedules(uri_spacing, durations):
    """For each schedule and T: the polls that see an operation ending T s after the first poll, and the
    longest lag an operation ending about then can have (the gap between the two polls around T)."""
    next_pause = load_next_pause()
    schedules = [
        ("module: t/4 in [0.5, 2.5] for 40 s, then [0.5, wait_sleep=5]", lambda t: next_pause(t, 5.0)),
        ("floor 1 s: clamp(t/4, 1, 5)", lambda t: min(5.0, max(1.0, 0.25 * t))),
        ("wait_sleep: 2.75, i.e. clamp(t/4, 0.5, 2.75)", lambda t: next_pause(t, 2.75)),
        ("cap 2.75 s for the first 60 s, then 5 s", lambda t: next_pause(t, 2.75 if t < 60 else 5.0)),
        ("uri + until, measured spacing %.2f s" % uri_spacing, lambda t: uri_spacing),
    ]
    rows = []
    for name, pause in schedules:
        row = {"schedule": name, "cells": []}
        for duration in durations:
            times = schedule_polls(pause, duration)
            index = next(i for i, t in enumerate(times) if t >= duration)
            gap = times[index] - times[index - 1] if index else 0.0
            row["cells"].append({"duration": duration, "polls": index + 1, "worst_lag": gap, "bound": lag_bound(duration)})
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, float):
        return "%.*f" % (digits, value)
    return str(value)


def fmt_ratio(numerator, denominator, digits=2):
    value = ratio(numerator, denominator)
    return "-" if value is None else "%.*fx" % (digits, value)


def machine_info(python):
    code = ("import json, platform, sys, ansible.release, requests\n"
            "print(json.dumps({'python': platform.python_version(), 'ansible_core': ansible.release.__version__,"
            " 'requests': requests.__version__, 'executable': sys.executable}))")
    info = json.loads(subprocess.run([python, "-c", code], capture_output=True, check=True).stdout)
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info.update(nproc=os.cpu_count(), cpu_model=model, kernel=platform.release(), system=platform.system())
    return info


def wait_rows(scenario, key, side):
    """(metric, module side, uri, side / uri) rows of one wait scenario; ``side`` is "module" or "module_ws"."""
    m, u = scenario["summary"][side], scenario["summary"]["uri"]
    rows = [
        ("wall (s)", fmt(m["wall"]), fmt(u["wall"]), fmt_ratio(m["wall"], u["wall"], 3)),
        ("controller CPU, all processes (s)", fmt(m["cpu"]), fmt(u["cpu"]), fmt_ratio(m["cpu"], u["cpu"])),
    ]
    if m["cpu_above_floor"] is not None:
        rows.append(("CPU above the floor (s)", fmt(m["cpu_above_floor"]), fmt(u["cpu_above_floor"]),
                     fmt_ratio(m["cpu_above_floor"], u["cpu_above_floor"])))
    rows += [
        ("requests", fmt(m["requests"]), fmt(u["requests"]), fmt_ratio(m["requests"], u["requests"])),
        ("TCP connections", fmt(m["connections"]), fmt(u["connections"]), ""),
    ]
    if key != "loop":
        rows.append(("lag (s), median (worst)", "%s (%s)" % (fmt(m["lag"]), fmt(m["lag_max"])),
                     "%s (%s)" % (fmt(u["lag"]), fmt(u["lag_max"])), "bound %s" % fmt(lag_bound(scenario["duration"]))))
    else:
        rows.append(("lag after the last operation (s), median", fmt(m["lag"]), fmt(u["lag"]), ""))
    return rows


def markdown(results):  # pylint: disable=too-many-locals,too-many-statements
    out = []
    meta = results["meta"]
    machine = meta["machine"]
    out.append("Run of %s, %s: %d runs per side per scenario, alternating; %.0f s in all. Machine: %s cores (%s), "
               "Linux %s, Python %s, ansible-core %s, requests %s. Load average before / after: %s / %s." % (
                   meta["started"], "options " + meta["options"], meta["runs"], meta["seconds"], machine["nproc"],
                   machine["cpu_model"], machine["kernel"], machine["python"], machine["ansible_core"], machine["requests"],
                   meta["load_before"], meta["load_after"]))
    out.append("")
    scenarios = results["scenarios"]
    if "status" in scenarios:
        s = scenarios["status"]["summary"]
        m, u = s["module"], s["uri"]
        out.append("**One status check, ad hoc** (`ansible localhost -m ...`; medians)")
        out.append("")
        out.append("| metric | module | uri | module / uri |")
        out.append("| --- | ---: | ---: | ---: |")
        out.append("| wall (s) | %s | %s | %s |" % (fmt(m["wall"]), fmt(u["wall"]), fmt_ratio(m["wall"], u["wall"])))
        out.append("| CPU, all processes (s) | %s | %s | %s |" % (fmt(m["cpu"]), fmt(u["cpu"]), fmt_ratio(m["cpu"], u["cpu"])))
        out.append("| peak RSS, largest process of the tree (MB) | %s | %s | %s |" % (
            fmt(m["tree_rss_mb"], 1), fmt(u["tree_rss_mb"], 1), fmt_ratio(m["tree_rss_mb"], u["tree_rss_mb"])))
        out.append("| module process: wall (s) | %s | %s | %s |" % (
            fmt(m["process_wall"]), fmt(u["process_wall"]), fmt_ratio(m["process_wall"], u["process_wall"])))
        out.append("| module process: CPU (s) | %s | %s | %s |" % (
            fmt(m["process_cpu"]), fmt(u["process_cpu"]), fmt_ratio(m["process_cpu"], u["process_cpu"])))
        out.append("| module process: peak RSS (MB), median (largest) | %s (%s) | %s (%s) | %s |" % (
            fmt(m["process_rss_mb"], 1), fmt(m["process_rss_mb_max"], 1), fmt(u["process_rss_mb"], 1),
            fmt(u["process_rss_mb_max"], 1), fmt_ratio(m["process_rss_mb"], u["process_rss_mb"])))
        out.append("| requests / TCP connections | %s / %s | %s / %s | |" % (
            fmt(m["requests"]), fmt(m["connections"]), fmt(u["requests"]), fmt(u["connections"])))
        out.append("")
    wait_keys = sorted((k for k in scenarios if k.startswith("wait_")), key=lambda k: scenarios[k]["duration"])
    wait_keys += ["loop"] if "loop" in scenarios else []
    if wait_keys:
        floor = scenarios.get("floor", {}).get("summary")
        out.append("**Waiting** (one `ansible-playbook` run per wait; medians; lag = task end minus operation end)")
        if floor:
            out.append("")
            out.append("Floor (the same playbook run, its task starting no module): wall %s s, CPU %s s. While a task "
                       "waits (`ansible.builtin.pause`), ansible-core itself uses %s CPU-s per second." % (
                           fmt(floor["wall"]), fmt(floor["cpu"]), fmt(floor["idle_cpu_per_second"], 3)))
        out.append("")
        extra = any("module_ws" in scenarios[k]["summary"] for k in wait_keys)
        if extra:
            extra_name = "module, wait_sleep %g" % results["meta"]["module_wait_sleep"]
            out.append("| wait | metric | module | uri + until | module / uri | %s | it / uri |" % extra_name)
            out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        else:
            out.append("| wait | metric | module | uri + until | module / uri |")
            out.append("| --- | --- | ---: | ---: | ---: |")
        for key in wait_keys:
            scenario = scenarios[key]
            label = ("T = %g s" % scenario["duration"]) if key != "loop" else "loop: %d ops of %g s" % (
                scenario["operations"], scenario["duration"])
            rows = wait_rows(scenario, key, "module")
            extra_rows = wait_rows(scenario, key, "module_ws") if extra else None
            for index, row in enumerate(rows):
                cells = [label if index == 0 else ""] + list(row)
                if extra_rows:
                    cells += [extra_rows[index][1], extra_rows[index][3]]
                out.append("| %s |" % " | ".join(cells))
        out.append("")
    if "imports" in scenarios:
        s = scenarios["imports"]["summary"]
        m, u = s["module"], s["uri"]
        out.append("**Module start-up** (the AnsiballZ payload run by hand; imports from `-X importtime`, which "
                   "inflates them; medians)")
        out.append("")
        out.append("| | module | uri |")
        out.append("| --- | ---: | ---: |")
        out.append("| payload process: wall / CPU (s), `python -c pass` is %s / %s | %s / %s | %s / %s |" % (
            fmt(s["python"]["process_wall"], 3), fmt(s["python"]["process_cpu"], 3), fmt(m["process_wall"], 3),
            fmt(m["process_cpu"], 3), fmt(u["process_wall"], 3), fmt(u["process_cpu"], 3)))
        out.append("| payload process: peak RSS (MB) | %s | %s |" % (fmt(m["process_rss_mb"], 1), fmt(u["process_rss_mb"], 1)))
        out.append("| all imports, importtime (ms) | %s | %s |" % (fmt(m["imports_ms"], 0), fmt(u["imports_ms"], 0)))
        for name in IMPORT_NAMES:
            if m["named_ms"].get(name) is None and u["named_ms"].get(name) is None:
                continue
            out.append("| `%s`, cumulative, where first imported (ms) | %s | %s |" % (
                name, fmt(m["named_ms"].get(name), 0), fmt(u["named_ms"].get(name), 0)))
        out.append("| the collection's module_utils, own time (ms): %s | %s | |" % (
            ", ".join("%s %.1f" % (name.rsplit(".", 1)[-1], ms) for name, ms in m["own_modules"].items()), fmt(m["own_ms"], 1)))
        marginal = s["marginal"]
        out.append("")
        out.append("Imported after `ansible.module_utils.basic`, without importtime (real cost, median): " + "; ".join(
            "`%s` %.0f ms (%d modules)" % (name, v["ms"], v["modules"]) for name, v in marginal.items()) + ".")
        out.append("")
    if "model" in results:
        model = results["model"]
        out.append("**Poll schedules, modelled** (an operation ending T s after the first poll: polls until one sees it "
                   "ended / the longest the wait can lag for an operation ending about then; uri's spacing as measured)")
        out.append("")
        durations = [c["duration"] for c in model["rows"][0]["cells"]]
        out.append("| schedule | " + " | ".join("T = %g s" % d for d in durations) + " |")
        out.append("| --- | " + " | ".join("---:" for _d in durations) + " |")
        for row in model["rows"]:
            out.append("| %s | %s |" % (row["schedule"], " | ".join(
                "%d / %.2f s%s" % (c["polls"], c["worst_lag"], "" if c["worst_lag"] <= c["bound"] else " (> %.2f)" % c["bound"])
                for c in row["cells"])))
        out.append("")
    out.append("**Targets**")
    out.append("")
    out.append("| scenario | target | result | |")
    out.append("| --- | --- | --- | --- |")
    for target in results["targets"]:
        out.append("| %s | %s | %s | %s |" % (target["scenario"], target["target"], target["note"],
                                              "met" if target["met"] else "**not met**"))
    return "\n".join(out) + "\n"


def write_doc(text):
    with open(DOC, encoding="utf-8") as stream:
        doc = stream.read()
    begin, end = doc.find(DOC_BEGIN), doc.find(DOC_END)
    if begin < 0 or end < begin:
        raise RuntimeError("%s has no %s ... %s block" % (DOC, DOC_BEGIN, DOC_END))
    doc = doc[:begin + len(DOC_BEGIN)] + "\n" + text + doc[end:]
    with open(DOC, "w", encoding="utf-8") as stream:
        stream.write(doc)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the Python of the venv with ansible-core and requests (default: this one)")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")),
                        help="runs per side per scenario (default 5, or $BENCH_RUNS)")
    parser.add_argument("--waits", default=os.environ.get("BENCH_WAITS", "1,5,30"),
                        help="operation durations to wait on, seconds (default 1,5,30, or $BENCH_WAITS)")
    parser.add_argument("--loop-ops", type=int, default=int(os.environ.get("BENCH_LOOP_OPS", "20")),
                        help="operations in the loop scenario (default 20)")
    parser.add_argument("--loop-duration", type=float, default=float(os.environ.get("BENCH_LOOP_DURATION", "1")),
                        help="seconds each operation of the loop runs (default 1)")
    parser.add_argument("--module-wait-sleep", type=float, default=None, metavar="SECONDS",
                        help="also measure the module with this wait_sleep in the wait and loop scenarios (a third side)")
    parser.add_argument("--import-runs", type=int, default=7, help="runs of the importtime measurement (default 7)")
    parser.add_argument("--scenarios", default=os.environ.get("BENCH_SCENARIOS", "status,wait,loop,imports"),
                        help="which scenarios, comma-separated (default status,wait,loop,imports)")
    parser.add_argument("--results", default=os.path.join(HERE, "results"), help="where latest.json and latest.md go")
    parser.add_argument("--write-doc", action="store_true", help="also put the tables into docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs of every run)")
    parser.add_argument("--render", metavar="JSON", help="measure nothing: print (and with --write-doc, write) the tables "
                        "of an earlier results file, the schedule model recomputed")
    return parser.parse_args(argv)


def main(argv=None):  # pylint: disable=too-many-locals
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.render:
        return render(args)
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(scenarios) - {"status", "wait", "loop", "imports"}
    if unknown or args.runs < 1:
        raise SystemExit("unknown scenarios %s (or --runs < 1)" % ", ".join(sorted(unknown)))
    waits = [float(w) for w in args.waits.split(",") if w.strip()]
    bench = Bench(args)
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    estimate = 0.0
    if "status" in scenarios:
        estimate += 4 * args.runs * 1.8
    if "wait" in scenarios:
        estimate += args.runs * 2.0 + sum(2 * args.runs * (w + 3.0) for w in waits)
    if "loop" in scenarios:
        estimate += 2 * args.runs * (args.loop_ops * (args.loop_duration + 0.5) + 2.0)
    machine = machine_info(bench.python)
    say("netedge.cloudflare benchmark: module vs ansible.builtin.uri (+ until), %d runs per side, about %.0f min" % (
        args.runs, estimate / 60 + 0.5))
    say("   %s cores (%s), Python %s, ansible-core %s, requests %s; work folder %s" % (
        machine["nproc"], machine["cpu_model"], machine["python"], machine["ansible_core"], machine["requests"], bench.work))
    load_before = " ".join("%.2f" % v for v in os.getloadavg())
    bench.start_simulator(lifetime=estimate * 3 + 600)
    ok = False
    try:
        if "status" in scenarios:
            bench.scenario_status()
        if "wait" in scenarios or "loop" in scenarios:
            bench.scenario_floor()
        if "wait" in scenarios:
            for duration in waits:
                bench.scenario_wait(duration)
        if "loop" in scenarios:
            bench.scenario_loop()
        if "imports" in scenarios:
            bench.scenario_imports()
        ok = True
    finally:
        bench.sim.stop()
        if not ok:
            say("work folder kept: %s" % bench.work)
    results = bench.results
    waits_done = [results["scenarios"][k] for k in results["scenarios"] if k.startswith("wait_")]
    if waits_done:
        results["model"] = build_model(waits_done, sorted(set(waits + MODEL_DURATIONS)))
    results["meta"] = {
        "started": started_at,
        "options": "--runs %d --waits %s --loop-ops %d --loop-duration %g%s" % (
            args.runs, args.waits, args.loop_ops, args.loop_duration,
            " --module-wait-sleep %g" % args.module_wait_sleep if args.module_wait_sleep else ""),
        "runs": args.runs, "seconds": time.monotonic() - started, "machine": machine,
        "module_wait_sleep": args.module_wait_sleep,
        "load_before": load_before, "load_after": " ".join("%.2f" % v for v in os.getloadavg()),
    }
    text = markdown(results)
    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "latest.json"), "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=1, sort_keys=True)
    with open(os.path.join(args.results, "latest.md"), "w", encoding="utf-8") as stream:
        stream.write(text)
    if args.write_doc:
        write_doc(text)
    say("")
    say(text)
    met = sum(1 for t in results["targets"] if t["met"])
    say("%d of %d targets met; results in %s" % (met, len(results["targets"]), os.path.join(args.results, "latest.json")))
    if args.keep:
        say("work folder kept: %s" % bench.work)
    else:
        shutil.rmtree(bench.work, ignore_errors=True)
    return 0


def render(args):
    with open(args.render, encoding="utf-8") as stream:
        results = json.load(stream)
    waits_done = [results["scenarios"][k] for k in results["scenarios"] if k.startswith("wait_")]
    if waits_done:
        durations = sorted(set([w["duration"] for w in waits_done] + MODEL_DURATIONS))
        results["model"] = build_model(waits_done, durations)
    text = markdown(results)
    if args.write_doc:
        write_doc(text)
    say(text)
    return 0


def build_model(waits_done, durations):
    """The schedule model, fed with uri's poll spacing as measured: one module run plus ``delay``."""
    spacings = []
    for scenario in waits_done:
        for run in scenario["runs"]["uri"]:
            attempts = run["polls"] or 1
            if attempts > 1:
                # attempts x (one module run) + (attempts - 1) x delay = the task's duration
                per_run = (run["task_seconds"] - (attempts - 1) * URI_DELAY) / attempts
                spacings.append(per_run + URI_DELAY)
    spacing = median(spacings) or 1.5
    return {"uri_spacing": spacing, "rows": model_schedules(spacing, durations)}


if __name__ == "__main__":
    sys.exit(main())
