# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The work folder of one benchmark run: the collection measured, a clean environment, the shim, one measured run."""

import os
import shutil
import subprocess
import tempfile

from harness.processes import Launcher, module_figures, read_shim_log, run_measured, write_shim
from harness.simulator import HERE, ROOT, Simulator


def collection_source(target, worktree):
    """Put the collection at ``target``: the commit at HEAD (``git archive``), or the working tree as it is.

    Other work may be under way in the working tree; by default the figures are those of a commit.
    """
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    if worktree or not commit:
        os.symlink(ROOT, target)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, check=False).stdout.strip()
        return {"kind": "working tree", "commit": commit or None, "dirty": bool(dirty)}
    os.makedirs(target)
    archive = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    return {"kind": "commit", "commit": commit, "dirty": False}


class Workspace:  # pylint: disable=too-many-instance-attributes
    """The launcher, the work folder, the collection path, the shim and (``start_simulator``) the simulator."""

    def __init__(self, python, keep=False, worktree=False):
        self.python = os.path.abspath(python)
        self.bindir = os.path.dirname(self.python)
        # First, while this process is small: see Launcher.
        self.launcher = Launcher(self.python)
        self.keep = keep
        self.work = tempfile.mkdtemp(prefix="netedge-bench-")
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.logs)
        collections = os.path.join(self.work, "collections", "ansible_collections", "netedge")
        os.makedirs(collections)
        self.source = collection_source(os.path.join(collections, "cloudflare"), worktree)
        self.collections = os.path.dirname(os.path.dirname(collections))
        self.config = os.path.join(self.work, "ansible.cfg")
        with open(self.config, "w", encoding="utf-8") as stream:
            stream.write("[defaults]\n")
        self.shim_log = os.path.join(self.work, "shim.jsonl")
        self.shim = os.path.join(self.work, "python-shim")
        write_shim(self.python, self.shim, self.shim_log)
        self.sim = None

    def start_simulator(self, lifetime, flags):
        self.sim = Simulator(self.python, self.work, lifetime, flags)
        return self.sim

    def tool(self, name):
        """``ansible``, ``ansible-playbook``... of the venv."""
        return os.path.join(self.bindir, name)

    def playbook(self, name):
        return os.path.join(HERE, "playbooks", name)

    def env(self, **extra):
        """A clean environment: the venv first on PATH, no proxies, no user ansible.cfg, no CLOUDFLARE_*."""
        env = {
            "PATH": os.pathsep.join([self.bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": os.environ.get("HOME", self.work),
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
        }
        env.update(extra)
        return env

    def run(self, label, argv, timeout, env=None, sample=False):
        """One measured command: rc, timed_out, wall, tree_cpu, tree_rss_mb (and, sampled, the controller's peaks),
        plus the module processes that went through the shim (``modules``, and their figures)."""
        read_shim_log(self.shim_log)
        log = os.path.join(self.logs, "%s.log" % label)
        result = run_measured(self.launcher, argv, env or self.env(), self.work, log, timeout, sample=sample)
        result["modules"] = read_shim_log(self.shim_log)
        result.update(module_figures(result["modules"]))
        result["log"] = log
        return result

    def close(self):
        self.launcher.close()
        if self.sim is not None:
            self.sim.stop()
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
