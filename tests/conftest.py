# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.netedge.cloudflare`` importable for plain ``pytest tests/unit``.

ansible-test sets this up itself. For plain pytest from any clone:

* if the checkout is not already at ``.../ansible_collections/netedge/cloudflare``, it is
  symlinked into ``<tmp>/netedge-cloudflare-<hash>/ansible_collections/netedge/cloudflare``;
* the folder above ``ansible_collections`` goes first on ``sys.path``;
* it is exported as ``ANSIBLE_COLLECTIONS_PATH`` for ``ansible`` and ``ansible-doc`` subprocesses.

When the collection is already importable from this very checkout (as under ansible-test),
nothing is changed.
"""

import hashlib
import importlib.util
import os
import sys
import tempfile

NAMESPACE = 'netedge'
NAME = 'cloudflare'
COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _importable_root():
    """Return the folder ``ansible_collections.netedge.cloudflare`` imports from now, or None."""
    try:
        spec = importlib.util.find_spec('ansible_collections.%s.%s' % (NAMESPACE, NAME))
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    if not locations and spec.origin:
        locations = [os.path.dirname(spec.origin)]
    return locations[0] if locations else None


def _same_place(path_a, path_b):
    """Tell whether two paths name the same folder once symlinks are resolved."""
    return os.path.realpath(path_a) == os.path.realpath(path_b)


def _collections_parent():
    """Return a folder that holds ``ansible_collections/netedge/cloudflare`` pointing at this checkout."""
    parts = COLLECTION_ROOT.split(os.sep)
    if parts[-3:] == ['ansible_collections', NAMESPACE, NAME]:
        return os.sep.join(parts[:-3])

    digest = hashlib.sha256(os.path.realpath(COLLECTION_ROOT).encode('utf-8')).hexdigest()[:12]
    parent = os.path.join(tempfile.gettempdir(), 'netedge-cloudflare-%s' % digest)
    namespace_dir = os.path.join(parent, 'ansible_collections', NAMESPACE)
    link = os.path.join(namespace_dir, NAME)
    os.makedirs(namespace_dir, exist_ok=True)

    if os.path.islink(link) and _same_place(link, COLLECTION_ROOT):
        return parent

    # Replace a stale link atomically; a concurrent run may have made the same one.
    temp_link = '%s.%d.tmp' % (link, os.getpid())
    os.symlink(COLLECTION_ROOT, temp_link)
    os.replace(temp_link, link)
    return parent


def _setup():
    """Put the collection on sys.path and ANSIBLE_COLLECTIONS_PATH unless it already is."""
    current = _importable_root()
    if current is not None and _same_place(current, COLLECTION_ROOT):
        return

    parent = _collections_parent()
    if parent in sys.path:
        sys.path.remove(parent)
    sys.path.insert(0, parent)

    # A namespace package ``ansible_collections`` imported earlier recomputes its path from sys.path.
    importlib.invalidate_caches()

    paths = [parent] + [p for p in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep) if p and p != parent]
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join(paths)


_setup()
