# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line: ``python tests/simulator/cloudflare_sim.py --port 0 --lifetime 600 --state-file F ...``."""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading

from .common import DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, DEFAULT_EMAIL
from .core import Simulator
from .settings import CHOICES, DEFAULTS, HELP


def _positive_int_or_none(text):
    if text.lower() in ("none", "off", "0"):
        return None
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'none', got {text!r}")
    return value


def parse_args(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description="Cloudflare Rules Lists API simulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--lifetime", type=float, default=600.0, help="exit after this many seconds")
    parser.add_argument("--state-file", help="write url, pid and credentials here as JSON once listening")
    parser.add_argument("--token", action="append", default=[], metavar="T[:edit|:read]", help="accept this bearer token (repeatable)")
    parser.add_argument("--email", default=DEFAULT_EMAIL, help="X-Auth-Email of the global API key")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="X-Auth-Key (global API key)")
    parser.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="the account id (32 lower-case hex)")
    parser.add_argument("--op-duration", type=float, default=DEFAULTS["op_duration"], help=HELP["op_duration"])
    parser.add_argument("--rate-limit", default="1200/300", help="REQUESTS/SECONDS per credential, or 'off'")
    parser.add_argument("--max-lists", type=int, default=DEFAULTS["max_lists"], help=HELP["max_lists"])
    parser.add_argument("--max-items", type=int, default=DEFAULTS["max_items"], help=HELP["max_items"])
    for key, variants in CHOICES.items():
        if isinstance(variants[0], bool):
            parser.add_argument("--" + key.replace("_", "-"), action="store_true", help=f"{HELP[key]} (default: false)")
            continue
        kind = int if key == "busy_status" else str
        parser.add_argument("--" + key.replace("_", "-"), type=kind, choices=variants, default=DEFAULTS[key],
                            help=f"{HELP[key]} (default: {DEFAULTS[key]})")
    parser.add_argument("--max-write-items", type=_positive_int_or_none, default=None, metavar="N|none",
                        help=HELP["max_write_items"] + " (default: none)")
    parser.add_argument("--max-rules-per-phase", type=_positive_int_or_none, default=DEFAULTS["max_rules_per_phase"], metavar="N|none",
                        help=f"{HELP['max_rules_per_phase']} (default: {DEFAULTS['max_rules_per_phase']})")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    return parser.parse_args(argv)


def parse_tokens(specs):
    """{token: scope} from ``T``, ``T:edit`` and ``T:read``; None keeps the default tokens."""
    if not specs:
        return None
    tokens = {}
    for spec in specs:
        token, sep, scope = spec.rpartition(":")
        if not sep or scope not in ("edit", "read"):
            token, scope = spec, "edit"
        tokens[token] = scope
    return tokens


def write_state_file(path, state):
    """Write the state file atomically (readers never see half of it)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp_path = tempfile.mkstemp(prefix=".cloudflare-sim-", dir=directory)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(state, stream, indent=2)
        stream.write("\n")
    os.replace(temp_path, path)


def main(argv=None):
    """Run the simulator until its lifetime ends or it gets SIGTERM/SIGINT."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rate_limit = None if args.rate_limit == "off" else tuple(float(part) for part in args.rate_limit.split("/"))
    settings = {key: getattr(args, key) for key in CHOICES}
    sim = Simulator(account_id=args.account_id, tokens=parse_tokens(args.token), email=args.email, api_key=args.api_key,
                    op_duration=args.op_duration, rate_limit=rate_limit, max_lists=args.max_lists, max_items=args.max_items,
                    port=args.port, verbose=args.verbose, max_write_items=args.max_write_items,
                    max_rules_per_phase=args.max_rules_per_phase, **settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *unused: stop.set())
    sim.start()
    try:
        if args.state_file:
            write_state_file(args.state_file, sim.state())
        if args.verbose:
            sys.stderr.write(f"cloudflare simulator listening on {sim.url}\n")
        stop.wait(args.lifetime)
    finally:
        sim.stop()
        if args.state_file and os.path.exists(args.state_file):
            os.remove(args.state_file)
    return 0
