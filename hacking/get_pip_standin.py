# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test bootstraps pip in every virtual environment it creates by running
``python ~/.ansible/test/cache/get_pip_<X_Y>.py [pip options] pip==X.Y --no-setuptools --no-wheel``.
The real script comes from a host that may be unreachable; the harness
(hacking/ansible-test-env.sh) copies this file to that cache path instead.

It runs pip from the interpreter's own bundled ensurepip wheel (or an already
importable pip) and uses it to install the requested packages from the index.
"""

import glob
import os
import runpy
import sys

MARKER = 'netedge-cloudflare get-pip stand-in'

# get-pip.py options that plain ``pip install`` does not know.
GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def find_bundled_pip_wheel():
    """Return the path of a pip wheel shipped with this interpreter, or None."""
    candidates = []
    try:
        import ensurepip  # pylint: disable=import-outside-toplevel
    except ImportError:
        ensurepip = None

    if ensurepip is not None:
        candidates.append(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'))
        wheel_pkg_dir = getattr(ensurepip, '_WHEEL_PKG_DIR', None)  # Debian and Fedora builds
        if wheel_pkg_dir:
            candidates.append(wheel_pkg_dir)

    candidates.append('/usr/share/python-wheels')

    for directory in candidates:
        wheels = sorted(glob.glob(os.path.join(str(directory), 'pip-*.whl')))
        if wheels:
            return wheels[-1]

    return None


def main(argv):
    """Install the requested packages with a bootstrap copy of pip."""
    pip_args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]

    wheel = find_bundled_pip_wheel()
    if wheel:
        sys.path.insert(0, wheel)
    else:
        try:
            import pip  # pylint: disable=import-outside-toplevel,unused-import
        except ImportError:
            sys.stderr.write('%s: no bundled pip wheel and no pip for %s\n' % (MARKER, sys.executable))
            return 1

    sys.argv = ['pip', 'install'] + pip_args
    try:
        runpy.run_module('pip', run_name='__main__', alter_sys=True)
    except SystemExit as ex:
        code = ex.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write('%s\n' % (code,))
        return 1

    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
