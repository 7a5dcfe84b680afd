# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make test (and make test-latest): every check, in lanes that run side by side.

Most of make test's time is integration targets waiting on simulated operations, on two ansible-core
versions. Each lane is one ``hacking/ansible-test-env.sh`` run with its own venv, working copy
(COPY_ROOT), logs and results file, so the lanes can run at once:

* ``checks``: sanity, units, then the ecosystem checks (build, install, galaxy-importer, ansible-lint, docs,
  changelog, EE: hacking/ecosystem.py) on the newest ansible-core (hacking/lock/core-newest-*.txt);
* ``newest``: integration on the newest ansible-core;
* ``oldest``: integration on the oldest supported one (hacking/lock/core-oldest-*.txt);
* ``oldest-units``: units on the oldest supported one, started as soon as the first of the other lanes ends
  (so that the two cores stay busy to the end: the oldest integration run is the longest step of all).
  MATRIX=0 skips both oldest lanes.

Their output is streamed with the lane's name in front of each line; at the end their results are
put together in that order and hacking/summary.py prints each step's time and, as the last line,
``N passed, M failed``. Exit status 0 only if every lane passed.

Settings come from the environment (the Makefile passes its variables): PYTHON, ANSIBLE_CORE, LOCK,
TOOLS_LOCK, OLDEST_PYTHON, OLDEST_CORE, OLDEST_LOCK, MATRIX, LATEST, CACHE_DIR, COPY_ROOT, LOG_DIR,
SANITY_ARGS, UNITS_ARGS, INTEGRATION_ARGS, STEP_TIMEOUT.
"""

import json
import os
import subprocess
import sys
import threading
import time

HACKING = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HACKING)
PRINT_LOCK = threading.Lock()


def setting(name, default=""):
    return os.environ.get(name, default)


def lanes():
    """The lanes of this run: (name, steps, environment overrides, start), start being "now" or "after one"."""
    cache_dir = setting("CACHE_DIR") or os.path.join(
        setting("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "netedge-cloudflare")
    copy_root = setting("COPY_ROOT") or cache_dir
    latest = setting("LATEST", "0") == "1"
    newest = {"PYTHON": setting("PYTHON"), "ANSIBLE_CORE": setting("ANSIBLE_CORE"), "LOG_SUFFIX": "",
              "STEP_LABEL_SUFFIX": ""}
    found = [
        # The integration targets mostly wait on simulated operations: each ansible-core's run gets a lane of its
        # own, and the steps that use the CPUs (sanity, units, the ecosystem tools) run beside them.
        ("checks", ["sanity", "units", "ecosystem"],
         dict(newest, COPY_ROOT=os.path.join(copy_root, "lane-checks"), ENV_LABEL="environment (checks)"), "now"),
        ("newest", ["integration"], dict(newest, COPY_ROOT=copy_root, ENV_LABEL="environment (newest)"), "now"),
    ]
    if setting("MATRIX", "1") == "1":
        oldest = {"LOCK": setting("OLDEST_LOCK"), "COPY_ROOT": os.path.join(copy_root, "lane-oldest"),
                  "LOG_SUFFIX": "-oldest", "STEP_LABEL_SUFFIX": " (oldest)", "ENV_LABEL": "environment (oldest)",
                  # Locked, the lock names the Python and ansible-core; else they are given.
                  "PYTHON": setting("OLDEST_PYTHON") if latest or not setting("OLDEST_LOCK") else "",
                  "ANSIBLE_CORE": setting("OLDEST_CORE") if latest or not setting("OLDEST_LOCK") else ""}
        found.append(("oldest", ["integration"], oldest, "now"))
        # Its own working copy, since the oldest integration run is still using the other; the same venv (the
        # oldest lane built it before its integration run began).
        found.append(("oldest-units", ["units"], dict(oldest, COPY_ROOT=os.path.join(copy_root, "lane-oldest-units"),
                                                      ENV_LABEL="environment (oldest units)"), "after one"))
    return cache_dir, found


def emit(lane, line):
    with PRINT_LOCK:
        sys.stdout.write("%-12s| %s" % (lane, line if line.endswith("\n") else line + "\n"))
        sys.stdout.flush()


def start_lane(name, steps, overrides, log_dir, run_id):
    results = os.path.join(log_dir, "results-%s.jsonl" % name)
    env = dict(os.environ, PRINT_TOTAL="0", RESULTS=results, RUN_ID=run_id, **overrides)
    proc = subprocess.Popen(["bash", os.path.join(HACKING, "ansible-test-env.sh")] + steps, cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def pump():
        for raw in proc.stdout:
            emit(name, raw.decode("utf-8", "replace"))

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return {"name": name, "proc": proc, "thread": thread, "results": results, "started": time.monotonic()}


def failed_checks(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return sum(len(json.loads(line).get("failed") or []) for line in handle if line.strip())
    except (OSError, ValueError):
        return 0


def main():
    log_dir = setting("LOG_DIR") or os.path.join(ROOT, "tests", "output", "harness")
    os.makedirs(log_dir, exist_ok=True)
    _cache_dir, found = lanes()
    run_id = str(int(time.time()))
    started = time.monotonic()
    print("==> make test%s: %d lanes side by side (%s); each line starts with its lane" % (
        "-latest (newest releases, no locks)" if setting("LATEST", "0") == "1" else "",
        len(found), ", ".join("%s: %s" % (name, " ".join(steps)) for name, steps, _overrides, _start in found)),
        flush=True)
    running = [start_lane(name, steps, overrides, log_dir, run_id) for name, steps, overrides, start in found
               if start == "now"]
    waiting = [(name, steps, overrides) for name, steps, overrides, start in found if start != "now"]
    status = 0
    notes = {}
    pending = {lane["proc"].pid: lane for lane in running}
    while pending:
        # Whichever lane ends first; wait4 gives the CPU time of its whole process tree, which the machine's
        # load does not change (unlike its wall time).
        pid, wait_status, usage = os.wait4(-1, 0)
        lane = pending.pop(pid, None)
        if lane is None:
            continue
        rc = os.waitstatus_to_exitcode(wait_status)
        lane["proc"].returncode = rc
        lane["thread"].join()
        lane["proc"].stdout.close()
        seconds = int(time.monotonic() - lane["started"])
        notes[lane["name"]] = "%s %ds (CPU %ds)" % (lane["name"], seconds, usage.ru_utime + usage.ru_stime)
        if waiting:
            # A core is free: the lanes that wait for one start now.
            for name, steps, overrides in waiting:
                emit(name, "==> lane %s starts now that lane %s has ended" % (name, lane["name"]))
                started_lane = start_lane(name, steps, overrides, log_dir, run_id)
                running.append(started_lane)
                pending[started_lane["proc"].pid] = started_lane
            waiting = []
        if rc != 0:
            status = 1
            # A lane that stopped without recording why still counts as a failed check.
            if not failed_checks(lane["results"]):
                with open(lane["results"], "a", encoding="utf-8") as handle:
                    handle.write(json.dumps({"step": "lane %s" % lane["name"], "passed": [], "skipped": [],
                                             "failed": ["lane %s exited %d" % (lane["name"], rc)],
                                             "seconds": seconds, "rc": rc}) + "\n")
    order = [name for name, _steps, _overrides, _start in found]
    running.sort(key=lambda lane: order.index(lane["name"]))
    lane_notes = [notes[lane["name"]] for lane in running]
    merged = os.path.join(log_dir, "results.jsonl")
    with open(merged, "w", encoding="utf-8") as out:
        for lane in running:
            if os.path.exists(lane["results"]):
                with open(lane["results"], encoding="utf-8") as handle:
                    out.write(handle.read())
    wall = int(time.monotonic() - started)
    cmd = [sys.executable, os.path.join(HACKING, "summary.py"), "total", "--results", merged,
           "--note", "wall clock %ds (%dm%02ds); lanes side by side: %s" % (wall, wall // 60, wall % 60, ", ".join(lane_notes)),
           "--note", "logs: %s" % log_dir]
    sys.stdout.flush()
    if subprocess.call(cmd) != 0:
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
