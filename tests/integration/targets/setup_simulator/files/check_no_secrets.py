# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail if a credential appears in what ansible printed, or if a log does not show what it should.

check_no_secrets.py [--state STATE_FILE]... [--secrets VARS_FILE]... [--markers MARKERS_FILE]... LOG...

The credentials: each simulator's tokens and global key (``--state``, its state file), and every
string value of each ``--secrets`` vars file (a multi-line value line by line): the wrong or broken
credentials a target's playbooks give. No line of any log may contain one.

The markers: a ``--markers`` YAML file maps a log's file name to the texts that log must contain,
proof that it is the -vvvv run of the paths it is meant to show, so that an empty or truncated log
cannot pass. A marker is a text (found as it is, or with runs of white space folded, since older
ansible-core wraps long warnings) or ``{regex: ...}`` (searched with white space folded). A log
that no markers file names must still not be empty.
"""

import argparse
import json
import os
import re
import sys

import yaml

CREDENTIALS = ("api_token", "read_token", "api_key")


def fold(text):
    """The text with every run of white space as one space."""
    return re.sub(r"\s+", " ", text)


def secrets(state_files, vars_files):
    """{description: value} for every credential that must never be printed."""
    found = {}
    for number, state_file in enumerate(state_files):
        with open(state_file, encoding="utf-8") as stream:
            state = json.load(stream)
        found.update(("%s of simulator %d" % (name, number), state[name]) for name in CREDENTIALS if state.get(name))
    for vars_file in vars_files:
        with open(vars_file, encoding="utf-8") as stream:
            values = yaml.safe_load(stream) or {}
        for name, value in values.items():
            if not isinstance(value, str):
                continue
            lines = value.splitlines()
            if len(lines) == 1:
                found[name] = value
            else:
                found.update(("%s line %d" % (name, number), line) for number, line in enumerate(lines, 1) if line)
    return found


def markers(markers_files):
    """{log file name: [marker...]} from every markers file, merged."""
    found = {}
    for markers_file in markers_files:
        with open(markers_file, encoding="utf-8") as stream:
            for name, texts in (yaml.safe_load(stream) or {}).items():
                found.setdefault(name, []).extend(texts)
    return found


def shows(text, folded, marker):
    """Whether the log's text shows the marker."""
    if isinstance(marker, dict):
        return re.search(marker["regex"], folded) is not None
    return marker in text or fold(marker) in folded


def check(log, checked, expected):
    """The problems of one log: markers it lacks, credentials it prints."""
    with open(log, encoding="utf-8", errors="replace") as stream:
        text = stream.read()
    name = os.path.basename(log)
    folded = fold(text)
    problems = ["%s: does not contain %r, so it does not show what it should" % (name, marker)
                for marker in expected.get(name, []) if not shows(text, folded, marker)]
    if name not in expected and not text.strip():
        problems.append("%s: is empty, so it does not show what it should" % name)
    for number, line in enumerate(text.splitlines(), 1):
        problems.extend("%s:%d: the %s is printed" % (name, number, description)
                        for description, value in checked.items() if value in line)
    print("%s: %d lines, %d markers and %d credentials checked" % (
        name, text.count("\n"), len(expected.get(name, [])), len(checked)))
    return problems


def main(argv):
    """Check each log; print every problem and exit 1 if there is one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", action="append", default=[], help="a simulator's state file")
    parser.add_argument("--secrets", action="append", default=[], help="a vars file of more credentials")
    parser.add_argument("--markers", action="append", default=[], help="a YAML file of the texts each log must show")
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args(argv)
    checked = secrets(args.state, args.secrets)
    if not checked:
        print("ERROR: no credential to look for: give --state or --secrets")
        return 1
    expected = markers(args.markers)
    problems = []
    for log in args.logs:
        problems.extend(check(log, checked, expected))
    unknown = sorted(set(expected) - set(os.path.basename(log) for log in args.logs))
    problems.extend("%s: has markers but was not checked" % name for name in unknown)
    for problem in problems:
        print("ERROR: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
