# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Call the simulator's admin API from a shell: sim_admin.py STATE_FILE METHOD PATH [JSON].

PATH is relative to the admin URL (``/operations``, ``/faults``...). Prints the JSON answer and
exits 1 on an HTTP error. Only the simulator's loopback URL from the state file is ever used.
"""

import json
import sys
import urllib.error
import urllib.request


def main(argv):
    """Send one admin request and print its answer."""
    state_file, method, path = argv[:3]
    body = argv[3].encode("utf-8") if len(argv) > 3 else None
    with open(state_file, encoding="utf-8") as stream:
        admin_url = json.load(stream)["admin_url"]
    if not admin_url.startswith("http://127.0.0.1:"):
        raise SystemExit("not a loopback simulator: %s" % admin_url)
    request = urllib.request.Request(admin_url + path, data=body, method=method,
                                     headers={"Content-Type": "application/json"})
    # The simulator is on loopback: never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            print(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        sys.stderr.write("%s %s: HTTP %s %s\n" % (method, path, exc.code, exc.read().decode("utf-8", "replace")))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
