# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Warnings that the collection's own code or tests cause are errors in the unit tests.

A warning is attributed to the module that ``warnings.warn`` names (the caller, for a library that
warns with ``stacklevel=2``, as deprecations do). It is turned into an error when that module is

* part of the collection: ``ansible_collections.netedge.cloudflare...``, the names of the plugins
  everywhere and of the tests under ``ansible-test units``;
* or any module loaded from this checkout (the test files and helpers, which plain ``pytest``
  imports under their own short names, such as ``test_secrets`` or ``helpers``).

Both rules are added here rather than in a pytest.ini, because ``ansible-test units`` runs pytest
with a configuration file of its own; a conftest.py is read by both. A warning from a library
about its own business (attributed to the library) stays a warning.
"""

import os
import re
import sys

COLLECTION_ROOT = os.path.realpath(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
COLLECTION_RULE = r"error:::ansible_collections\.netedge\.cloudflare(\.|$)"


def _is_ours(module):
    path = getattr(module, "__file__", None)
    if not path:
        return False
    path = os.path.realpath(path)
    return path.startswith(COLLECTION_ROOT + os.sep) and "site-packages" not in path


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", COLLECTION_RULE)


def pytest_collection_modifyitems(session, config, items):  # pylint: disable=unused-argument
    """Once every test module is imported: make warnings attributed to any module of this checkout errors."""
    names = sorted(name for name, module in list(sys.modules.items())
                   if not name.startswith("ansible_collections.") and _is_ours(module))
    if names:
        config.addinivalue_line("filterwarnings", "error:::(%s)$" % "|".join(re.escape(name) for name in names))
