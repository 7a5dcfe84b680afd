# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check what an ad hoc ``ansible localhost -m ...`` printed.

check_adhoc.py STDOUT_FILE EXIT_CODE EXPECTED_EXIT STATE CHECK...

STATE is SUCCESS or FAILED! (the word after ``localhost |``). Each CHECK is about a dotted key of
the result that follows ``=>``:

- ``key=value``: the value, compared as text (JSON for numbers, booleans and null);
- ``key^=value``: a text value that starts with ``value``;
- ``key?``: the key is there; ``!key``: the key is not there.
"""

import json
import re
import sys

HEADER = re.compile(r"^localhost \| (SUCCESS|CHANGED|FAILED!|UNREACHABLE!) => \{$", re.MULTILINE)
MISSING = object()


def parse(text):
    """(state, result) from the minimal callback's ``localhost | STATE => {...}``."""
    found = HEADER.search(text)
    if not found:
        raise ValueError("no 'localhost | STATE => {' line in the output")
    result, _end = json.JSONDecoder().raw_decode(text[found.end() - 1:])
    return found.group(1), result


def lookup(result, dotted):
    """The value at a dotted key, or MISSING."""
    value = result
    for part in dotted.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return MISSING
    return value


def as_text(value):
    """A value as the checks write it."""
    return value if isinstance(value, str) else json.dumps(value)


def check(result, spec):
    """A problem with one CHECK, or None."""
    if spec.startswith("!"):
        return None if lookup(result, spec[1:]) is MISSING else "%s is there" % spec[1:]
    if spec.endswith("?"):
        return "%s is missing" % spec[:-1] if lookup(result, spec[:-1]) is MISSING else None
    key, operator, expected = re.match(r"^([^=^]+)(\^=|=)(.*)$", spec, re.DOTALL).groups()
    value = lookup(result, key)
    if value is MISSING:
        return "%s is missing" % key
    if operator == "^=":
        ok = isinstance(value, str) and value.startswith(expected)
    else:
        ok = as_text(value) == expected
    return None if ok else "%s is %r, expected %s%r" % (key, value, "a text starting with " if operator == "^=" else "", expected)


def main(argv):
    """Check one ad hoc run; print the problems and exit 1 if there are any."""
    stdout_file, exit_code, expected_exit, expected_state = argv[:4]
    with open(stdout_file, encoding="utf-8") as stream:
        text = stream.read()
    problems = []
    if exit_code != expected_exit:
        problems.append("exit code %s, expected %s" % (exit_code, expected_exit))
    try:
        state, result = parse(text)
    except ValueError as exc:
        problems.append(str(exc))
    else:
        if state != expected_state:
            problems.append("localhost | %s, expected %s" % (state, expected_state))
        problems.extend(problem for problem in (check(result, spec) for spec in argv[4:]) if problem)
    for problem in problems:
        print("ERROR: %s: %s" % (stdout_file, problem))
    if problems:
        print(text)
        return 1
    print("%s: localhost | %s with %d checks passed" % (stdout_file, expected_state, len(argv) - 4))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
