# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller's half of cloudflare_list_items: find ``src`` and send it where the module runs.

``src`` is found as ansible.builtin.copy finds its own (the role's files/, the playbook's files/
and folder, or an absolute path), decrypted if Ansible Vault encrypted it, and sent to a
temporary folder on the host where the module runs, as copy sends files (put_file: streamed,
never read whole nor templated here). The module runs with src set to that copy; in its result
the copy's path is replaced by the name the task gave (``blocklist.txt:57: ...``), which is the
file the user knows. The folder is removed afterwards. A task without src runs the module as it
is, with no temporary folder.
"""

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

# The name of the copy in the temporary folder (a name of the task's choosing could hold anything).
REMOTE_NAME = "feed.txt"


class ActionModule(ActionBase):
    # Not TRANSFERS_FILES: that makes ActionBase create a temporary folder for every task, and a task
    # without src needs none (its module is piped to the interpreter when pipelining is on).
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # not used since ansible-core 2.10: the connection's shell keeps the folder
        args = dict(self._task.args)
        src = args.get("src")
        if src in (None, ""):
            result.update(self._execute_module(module_args=args, task_vars=task_vars))
            return result
        if not isinstance(src, str):
            result.update(failed=True, msg="src must be the name of a file, not %s." % type(src).__name__)
            return result
        try:
            found = self._find_needle("files", src)
        except AnsibleError as exc:
            result.update(failed=True, msg="Could not find src %s: %s" % (src, to_text(exc.message)))
            return result
        try:
            local = self._loader.get_real_file(found, decrypt=True)
        except AnsibleError as exc:
            result.update(failed=True, msg="Could not read src %s: %s" % (src, to_text(exc.message)))
            return result
        try:
            if self._connection._shell.tmpdir is None:
                self._make_tmp_path()
            remote = self._connection._shell.join_path(self._connection._shell.tmpdir, REMOTE_NAME)
            self._transfer_file(local, remote)
            # Readable by the user the module runs as, when that is another one (become).
            self._fixup_perms2((self._connection._shell.tmpdir, remote))
            args["src"] = remote
            result.update(_named_as_given(self._execute_module(module_args=args, task_vars=task_vars), remote, src))
        finally:
            self._loader.cleanup_tmp_file(local)
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result


def _named_as_given(result, remote, src):
    """The module's result with the copy's path replaced by ``src`` as the task gave it, in the message
    (every problem with a line) and in the echoed arguments."""
    if isinstance(result.get("msg"), str):
        result["msg"] = result["msg"].replace(remote, src)
    args = result.get("invocation", {}).get("module_args") if isinstance(result.get("invocation"), dict) else None
    if isinstance(args, dict) and args.get("src") == remote:
        args["src"] = src
    return result
