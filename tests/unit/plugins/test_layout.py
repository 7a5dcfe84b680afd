# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The layers of plugins/module_utils (docs/layout.md): imports only go down, and no file grows past its size."""

import ast
import os

import pytest

PLUGINS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins"))
UTILS = os.path.join(PLUGINS, "module_utils")
PREFIX = "ansible_collections.netedge.cloudflare.plugins.module_utils."

# What each folder of module_utils may import from the collection (besides itself).
ALLOWED = {
    "_api": {"_version"},
    "_lists": {"_api", "_options", "_outcome", "_version"},
    "_rulesets": {"_api", "_options", "_outcome", "_version", "_lists.lookup"},
}
# docs/layout.md: a file past about 400 lines does two jobs.
MAX_LINES = 420


def collection_imports(path):
    """The module_utils names a file imports, relative to module_utils (``_api.client``, ``_options``)."""
    with open(path, encoding="utf-8") as stream:
        tree = ast.parse(stream.read(), path)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX):
            base = node.module[len(PREFIX):]
            names.extend(base + "." + alias.name if "." not in base and base in ALLOWED else base for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == PREFIX.rstrip("."):
            names.extend(alias.name for alias in node.names)
    return names


def files_of(folder):
    for name in sorted(os.listdir(os.path.join(UTILS, folder))):
        if name.endswith(".py"):
            yield os.path.join(UTILS, folder, name)


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_imports_only_go_down(folder):
    offenders = []
    for path in files_of(folder):
        for name in collection_imports(path):
            if name.split(".")[0] == folder:
                continue
            if not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED[folder]):
                offenders.append("%s imports %s" % (os.path.relpath(path, UTILS), name))
    assert offenders == []


def test_the_check_sees_an_import_across_layers(tmp_path):
    """The check above can fail: an _api file that imports a product layer is caught."""
    (tmp_path / "_api").mkdir()
    (tmp_path / "_api" / "bad.py").write_text("from %s_lists.lookup import get_lists\n" % PREFIX)
    found = collection_imports(str(tmp_path / "_api" / "bad.py"))
    assert found == ["_lists.lookup"]
    assert not any(name.startswith(allowed) for name in found for allowed in ALLOWED["_api"])


def test_no_plugin_file_past_its_size():
    big = []
    for folder, _dirs, names in os.walk(PLUGINS):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as stream:
                    lines = sum(1 for _line in stream)
                if lines > MAX_LINES:
                    big.append("%s (%d lines)" % (os.path.relpath(path, PLUGINS), lines))
    assert big == []
