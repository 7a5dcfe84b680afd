# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Serve a simulator holding a list that two rules use: in_use_sim.py SIM_SCRIPT STATE_FILE LIFETIME.

The simulator's admin API cannot set a list's num_referencing_filters, and its Python API can
(Simulator.set_referencing_filters), so this runs one in-process: it seeds the list ``in_use``
(kind ip, one item, used by 2 rules), writes the state file the command line would write, and
serves until SIGTERM or LIFETIME seconds, then removes the state file.
"""

import importlib.util
import json
import os
import signal
import sys
import threading


def main(argv):
    """Seed, serve, clean up."""
    sim_script, state_file, lifetime = argv[0], argv[1], float(argv[2])
    spec = importlib.util.spec_from_file_location("cloudflare_sim", sim_script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sim = module.Simulator().start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: done.set())
    signal.signal(signal.SIGINT, lambda *_args: done.set())
    try:
        seeded = sim.create_list("in_use", "ip", description="used by two rules", items=[{"ip": "192.0.2.1"}])
        sim.set_referencing_filters(seeded["id"], 2)
        with open(state_file + ".tmp", "w", encoding="utf-8") as stream:
            json.dump(sim.state(), stream)
        os.replace(state_file + ".tmp", state_file)
        done.wait(lifetime)
    finally:
        sim.stop()
        if os.path.exists(state_file):
            os.remove(state_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
