# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wait: netedge.cloudflare.cloudflare_list_bulk_operation_info against ansible.builtin.uri retried with ``until``.

Both sides run against the simulator in the same run, alternating, so that medians and ratios compare
like with like on a busy machine. Parts (see docs/performance.md for what each number means):

1. ``status``: one status check, ad hoc (``ansible localhost -m ...``);
2. ``wait``: one playbook task waiting on an operation of T seconds, for each T of ``--waits``;
3. ``loop``: one task looping over ``--loop-ops`` operations, each waited on in turn;
4. ``imports``: the module's start-up cost, ``python -X importtime`` on the AnsiballZ payloads
   (scenarios/wait_startup.py). The tables and the poll-schedule model: scenarios/wait_report.py.
"""

import json
import os
import time

from harness.simulator import HERE
from harness.stats import median, ratio, say
from scenarios import wait_report, wait_startup

DOC_BLOCK = "bench"
MODULE = "netedge.cloudflare.cloudflare_list_bulk_operation_info"
SIDES = ("module", "uri")
# "module_ws" is the module with another wait_sleep (--module-wait-sleep), measured only when asked.
PLAYBOOK_SIDE = {"module": "module", "uri": "uri", "module_ws": "module"}
PARTS = ("status", "wait", "loop", "imports")

# Targets (docs/performance.md says where they come from).
WAIT_CPU_RATIO = 0.5
WAIT_WALL_RATIO = 1.05
STATUS_WALL_RATIO = 1.1
MODULE_RSS_MB = 60.0
IDLE_SECONDS = 5.0  # bench_pause's default in playbooks/idle.yml
lag_bound = wait_report.lag_bound


def add_arguments(parser):
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")),
                        help="runs per side per part (default 5, or $BENCH_RUNS)")
    parser.add_argument("--waits", default=os.environ.get("BENCH_WAITS", "1,5,30"),
                        help="operation durations to wait on, seconds (default 1,5,30, or $BENCH_WAITS)")
    parser.add_argument("--loop-ops", type=int, default=int(os.environ.get("BENCH_LOOP_OPS", "20")),
                        help="operations in the loop part (default 20)")
    parser.add_argument("--loop-duration", type=float, default=float(os.environ.get("BENCH_LOOP_DURATION", "1")),
                        help="seconds each operation of the loop runs (default 1)")
    parser.add_argument("--module-wait-sleep", type=float, default=None, metavar="SECONDS",
                        help="also measure the module with this wait_sleep in the wait and loop parts (a third side)")
    parser.add_argument("--import-runs", type=int, default=7, help="runs of the importtime measurement (default 7)")
    parser.add_argument("--scenarios", default=os.environ.get("BENCH_SCENARIOS", ",".join(PARTS)),
                        help="which parts, comma-separated (default %s)" % ",".join(PARTS))


class WaitBench:
    """The runs of the wait scenario, on one workspace and its simulator."""

    def __init__(self, args, ws):
        self.args = args
        self.ws = ws
        self.sim = ws.sim
        self.results = {"scenarios": {}, "targets": []}
        self.vars_file = os.path.join(ws.work, "vars.json")
        self.op_file = os.path.join(ws.work, "operations.txt")
        with open(self.vars_file, "w", encoding="utf-8") as stream:
            json.dump({"cf_base_url": self.sim.url, "cf_account_id": self.sim.account_id,
                       "cf_api_token": self.sim.read_token, "bench_op_file": self.op_file}, stream)

    def env(self, **extra_env):
        """The workspace's clean environment, the timing callback, and the simulator's credentials as CLOUDFLARE_*."""
        return self.ws.env(ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"), ANSIBLE_CALLBACKS_ENABLED="bench_timing",
                           CLOUDFLARE_API_TOKEN=self.sim.read_token, CLOUDFLARE_ACCOUNT_ID=self.sim.account_id,
                           CLOUDFLARE_BASE_URL=self.sim.url, **extra_env)

    def run(self, label, argv, timeout, **extra_env):
        result = self.ws.run(label, argv, timeout, self.env(**extra_env))
        if result["rc"] != 0 or result["timed_out"]:
            raise RuntimeError("%s failed (exit %s%s); see %s" % (label, result["rc"], ", timed out" if result["timed_out"] else "",
                                                                  result["log"]))
        result["cpu"] = result["tree_cpu"]
        return result

    def adhoc(self, side, operation_id, shim=False):
        argv = [self.ws.tool("ansible"), "localhost"]
        if side == "module":
            argv += ["-m", MODULE, "-a", "operation_id=%s" % operation_id]
        else:
            url = "%s/accounts/%s/rules/lists/bulk_operations/%s" % (self.sim.url, self.sim.account_id, operation_id)
            argv += ["-m", "ansible.builtin.uri", "-a", json.dumps({"url": url, "headers": {"Authorization": "Bearer " + self.sim.read_token}})]
        if shim:
            argv += ["-e", "ansible_python_interpreter=%s" % self.ws.shim]
        return argv

    def run_playbook(self, label, name, durations, timeout, extra_vars=()):
        """Run a playbook whose "Wait" task gets operations of ``durations`` seconds; add what the callback saw."""
        times_file = os.path.join(self.ws.work, "times.json")
        if os.path.exists(times_file):
            os.remove(times_file)
        self.sim.reset_counters()
        argv = [self.ws.tool("ansible-playbook"), self.ws.playbook(name), "-e", "@" + self.vars_file] + list(extra_vars)
        result = self.run(label, argv, timeout, BENCH_ADMIN_URL=self.sim.state["admin_url"], BENCH_OP_FILE=self.op_file,
                          BENCH_TIMES_FILE=times_file, BENCH_DURATIONS=",".join("%g" % d for d in durations))
        counters = self.sim.counters()
        result["requests"] = counters["total"]
        result["connections"] = counters["api_connections"]
        with open(times_file, encoding="utf-8") as stream:
            times = json.load(stream)
        task = [t for t in times["tasks"] if t["name"].startswith("Wait")][-1]
        if task.get("status") != "ok":
            raise RuntimeError("%s: the task ended %s: %s" % (label, task.get("status"), task.get("msg")))
        ends = [wait_report.parse_rfc3339(self.sim.operation(op["id"])["completed"]) for op in times["operations"]]
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
            parts.append("%s %.2f s %s req%s" % (side, run["wall"], run["requests"], " lag %.2f s" % run["lag"] if with_lag else ""))
        say("   run %d/%d: %s" % (index + 1, self.args.runs, " | ".join(parts)))

    def target(self, scenario, name, value, met, note):
        self.results["targets"].append({"scenario": scenario, "target": name, "value": value, "met": bool(met), "result": note})

    # -- parts ---------------------------------------------------------------------------------

    def status(self):
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
                result = self.run("status-shim-%s-%d" % (side, index), self.adhoc(side, operation_id, shim=True), 120)
                result["process"] = result["modules"]
                shim_records[side].append(result)
            say("   run %d/%d: module %.2f s, uri %.2f s" % (index + 1, runs, records["module"][-1]["wall"], records["uri"][-1]["wall"]))
        summary = {}
        for side in SIDES:
            processes = [p for r in shim_records[side] for p in r["process"]]
            summary[side] = {
                "wall": median(r["wall"] for r in records[side]),
                "cpu": median(r["cpu"] for r in records[side]),
                "tree_rss_mb": median(r["tree_rss_mb"] for r in records[side]),
                "tree_rss_mb_max": max(r["tree_rss_mb"] for r in records[side]),
                "requests": median(r["requests"] for r in records[side]),
                "connections": median(r["connections"] for r in records[side]),
                "process_wall": median(p["wall"] for p in processes),
                "process_cpu": median(p["cpu"] for p in processes),
                "process_rss_mb": median(p["rss_mb"] for p in processes),
                "process_rss_mb_max": max(p["rss_mb"] for p in processes),
            }
        self.results["scenarios"]["status"] = {"runs": records, "shim_runs": shim_records, "summary": summary}
        wall_ratio = ratio(summary["module"]["wall"], summary["uri"]["wall"])
        self.target("status", "wall <= %.2fx uri's" % STATUS_WALL_RATIO, wall_ratio, wall_ratio <= STATUS_WALL_RATIO, "%.2fx" % wall_ratio)
        rss = summary["module"]["process_rss_mb_max"]
        self.target("status", "module process peak RSS <= %g MB" % MODULE_RSS_MB, rss, rss <= MODULE_RSS_MB,
                    "%.1f MB (largest of %d runs)" % (rss, runs))

    def floor(self):
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

    def wait(self, duration):
        runs = self.args.runs
        say("== wait on an operation of %g s: %d runs each, alternating" % (duration, runs))
        records = {side: [] for side in self.wait_sides()}
        for index in range(runs):
            for side in self.order(index, self.wait_sides()):
                records[side].append(self.run_playbook("wait%g-%s-%d" % (duration, side, index), "wait_%s.yml" % PLAYBOOK_SIDE[side],
                                                       [duration], 120 + 3 * duration, self.side_vars(side)))
            self.progress(index, records)
        summary = self.summarize_waits(records)
        self.results["scenarios"]["wait_%g" % duration] = {"duration": duration, "runs": records, "summary": summary}
        self.check_wait_targets("wait T=%g s" % duration, summary, records, expected_connections=1)
        bound = lag_bound(duration)
        worst = max(r["lag"] for r in records["module"])
        self.target("wait T=%g s" % duration, "task ends <= %.2f s after the operation" % bound, worst, worst <= bound,
                    "median %.2f s, worst %.2f s" % (summary["module"]["lag"], worst))

    def loop(self):
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


def measure(args, ws, meta, _checkpoint):
    parts = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown or args.runs < 1:
        raise SystemExit("unknown parts %s (or --runs < 1)" % ", ".join(sorted(unknown)))
    waits = [float(w) for w in args.waits.split(",") if w.strip()]
    estimate = (4 * args.runs * 1.8 if "status" in parts else 0) + (
        args.runs * 2.0 + sum(2 * args.runs * (w + 3.0) for w in waits) if "wait" in parts else 0) + (
        2 * args.runs * (args.loop_ops * (args.loop_duration + 0.5) + 2.0) if "loop" in parts else 0)
    say("netedge.cloudflare wait benchmark: module vs ansible.builtin.uri (+ until), %d runs per side, about %.0f min" % (
        args.runs, estimate / 60 + 0.5))
    ws.start_simulator(estimate * 3 + 600, ["--rate-limit", "off"])
    bench = WaitBench(args, ws)
    if "status" in parts:
        bench.status()
    if "wait" in parts or "loop" in parts:
        bench.floor()
    for duration in waits if "wait" in parts else []:
        bench.wait(duration)
    if "loop" in parts:
        bench.loop()
    if "imports" in parts:
        wait_startup.measure_imports(bench, args.import_runs)
    results = bench.results
    meta.update(runs=args.runs, module_wait_sleep=args.module_wait_sleep, waits=waits, sim_flags=["--rate-limit", "off"])
    results["meta"] = meta
    return results


def render(results):
    return wait_report.markdown(results)


def failures(results):
    """The wait scenario fails only when a run fails (it raises); missed targets are reported, not failures."""
    met = sum(1 for t in results["targets"] if t["met"])
    say("%d of %d targets met" % (met, len(results["targets"])))
    return []
