# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a command is measured: the launcher, the controller sampler, the interpreter shim.

- ``Launcher``: a small process that starts every measured command in its own session and reaps it with
  ``os.wait4``: the wall time, and the CPU (summed) and the largest single peak RSS of the whole tree it
  waited for (ansible-playbook, its workers, /bin/sh, shims, module processes).
- ``TreeSampler``: the peak RSS (``VmHWM``) of the controller's own processes, which ``wait4`` cannot tell
  from a module's.
- ``write_shim``: an ``ansible_python_interpreter`` that runs the real Python as its child and notes that
  child's rusage (peak RSS, CPU) and its own, one JSON line per module process.
"""

import json
import os
import signal
import subprocess
import threading

SHIM = r'''#!{python} -S
# ansible_python_interpreter for benchmarks only: runs the real Python as a child, then notes that
# child's peak RSS and CPU, and this shim's own CPU (subtracted from the controller's), one JSON line.
import json, os, resource, sys, time
started = time.monotonic()
pid = os.posix_spawn({python!r}, [{python!r}] + sys.argv[1:], os.environ)
status, usage = os.wait4(pid, 0)[1:]
own = resource.getrusage(resource.RUSAGE_SELF)
with open({log!r}, "a") as stream:
    stream.write(json.dumps({{"wall": time.monotonic() - started, "cpu": usage.ru_utime + usage.ru_stime,
                              "rss_mb": usage.ru_maxrss / 1024.0, "shim_cpu": own.ru_utime + own.ru_stime,
                              "script": os.path.basename(sys.argv[-1])[:80]}}) + "\n")
sys.exit(os.waitstatus_to_exitcode(status) & 255)
'''


def write_shim(python, path, log):
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(SHIM.format(python=python, log=log))
    os.chmod(path, 0o755)


def read_shim_log(log):
    """The module processes of one run, one dict each (wall, cpu, rss_mb, shim_cpu, script); the log is removed."""
    entries = []
    if os.path.exists(log):
        with open(log, encoding="utf-8") as stream:
            entries = [json.loads(line) for line in stream if line.strip()]
        os.remove(log)
    return entries


def module_figures(entries):
    """Module processes of one run: count, CPU summed, peak RSS of the largest, and the shims' own CPU."""
    return {"module_processes": len(entries),
            "module_cpu": sum(e["cpu"] for e in entries),
            "module_rss_mb": max([e["rss_mb"] for e in entries] or [0.0]),
            "module_cpu_max": max([e["cpu"] for e in entries] or [0.0]),
            "shim_cpu": sum(e.get("shim_cpu", 0.0) for e in entries)}


class TreeSampler(threading.Thread):
    """Every ``interval`` s, the peak RSS (VmHWM) of each ansible-playbook process in the tree under ``root``.

    The controller's processes are the ansible-playbook process and the workers it forks (they keep
    its command line); /bin/sh, the shim and the module processes are left out. VmHWM only grows, so
    the last sample of each process is its peak as of then; a worker that lives less than an
    interval may be missed, which the largest process (the main one, or the worker that ran the
    module) never is.
    """

    def __init__(self, root, interval=0.25):
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.stop_event = threading.Event()
        self.peaks = {}  # pid -> (VmHWM kB, is the main process)

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def sample(self):
        children = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name, "rb") as stream:
                    ppid = int(stream.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(name))
        todo, tree = [self.root], []
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        for pid in tree:
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as stream:
                    if b"ansible-playbook" not in stream.read():
                        continue
                with open("/proc/%d/status" % pid, encoding="ascii", errors="replace") as stream:
                    hwm = [int(line.split()[1]) for line in stream if line.startswith("VmHWM:")]
            except (OSError, ValueError):
                continue
            if hwm and hwm[0] > self.peaks.get(pid, (0, False))[0]:
                self.peaks[pid] = (hwm[0], pid == self.root)

    def result(self):
        main = max([kb for kb, is_main in self.peaks.values() if is_main] or [0])
        workers = max([kb for kb, is_main in self.peaks.values() if not is_main] or [0])
        return {"main_rss_mb": main / 1024.0, "worker_rss_mb": workers / 1024.0,
                "controller_processes_seen": len(self.peaks)}


LAUNCHER = r'''
# Starts each command it is sent (one JSON line on stdin), reaps it with wait4, answers two JSON lines.
import json, os, signal, subprocess, sys, threading, time
def kill(pid, flag):
    flag.append(True)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
for line in sys.stdin:
    job = json.loads(line)
    with open(job["log"], "ab") as log:
        log.write(("$ %s\n" % " ".join(job["argv"])).encode())
        log.flush()
        started = time.monotonic()
        proc = subprocess.Popen(job["argv"], env=job["env"], cwd=job["cwd"], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    print(json.dumps({"pid": proc.pid}), flush=True)
    flag = []
    timer = threading.Timer(job["timeout"], kill, (proc.pid, flag))
    timer.start()
    status, usage = os.wait4(proc.pid, 0)[1:]
    timer.cancel()
    print(json.dumps({"rc": os.waitstatus_to_exitcode(status), "timed_out": bool(flag), "wall": time.monotonic() - started,
                      "tree_cpu": usage.ru_utime + usage.ru_stime, "cpu_user": usage.ru_utime, "cpu_sys": usage.ru_stime,
                      "tree_rss_mb": usage.ru_maxrss / 1024.0}), flush=True)
'''


class Launcher:
    """A small process that starts every measured command, so that its ``ru_maxrss`` is the command's own.

    Linux keeps a process's peak RSS across exec, and a child forked (or vforked) from a large
    process starts with the parent's pages: the benchmark, holding half a million values, would
    lend its own peak to ansible-playbook's ``ru_maxrss``. This launcher is started first, while
    the benchmark is small (about 10 MB), and stays small.
    """

    def __init__(self, python):
        self.proc = subprocess.Popen([python, "-S", "-E", "-c", LAUNCHER], stdin=subprocess.PIPE,  # pylint: disable=consider-using-with
                                     stdout=subprocess.PIPE, text=True)

    def start(self, argv, env, cwd, log_path, timeout):
        self.proc.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd, "log": log_path, "timeout": timeout}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())["pid"]

    def result(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the launcher ended unexpectedly")
        return json.loads(line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run_measured(launcher, argv, env, cwd, log_path, timeout, sample=True):  # pylint: disable=too-many-arguments
    """Run a command: wall time, the rusage of its whole tree, and (``sample``) its controller processes' peak RSS.

    ``os.wait4`` (in the launcher) returns the usage of the process and of every descendant it
    waited for. CPU is their sum; ``ru_maxrss`` the largest single peak.
    """
    pid = launcher.start(argv, env, cwd, log_path, timeout)
    sampler = TreeSampler(pid) if sample else None
    if sampler:
        sampler.start()
    try:
        result = launcher.result()
    except BaseException:
        kill_group(pid)
        raise
    finally:
        if sampler:
            sampler.stop_event.set()
            sampler.join(5)
    if sampler:
        result.update(sampler.result())
    return result


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
