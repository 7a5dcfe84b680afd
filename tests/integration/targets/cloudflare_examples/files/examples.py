# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Find every documented example of the collection, and write each one as a playbook.

Where examples are found:

- the EXAMPLES of every module (plugins/modules/*.py), read from the file without importing it;
- every YAML block of README.md (fences whose language is yaml, yml or yaml+jinja);
- every YAML block of the docs site, docs/docsite/rst/*.rst (``.. code-block:: yaml`` or yaml+jinja);
- the playbooks under playbooks/, run where they are (they read files next to them).

A block that is deliberately not runnable (an inventory, a fragment of a task) is marked on the
line before it, with a reason; it is counted and reported as skipped, never dropped silently:

    <!-- example: skip REASON -->          in Markdown
    .. example: skip REASON                in reStructuredText (a comment)

A block is a playbook when one of its entries is a play (``hosts:`` or ``import_playbook``), and
otherwise a list of tasks, which is run in a play on localhost. Anything else must be marked.

Used by run_examples.py (the integration target) and by hacking/ecosystem.py (ansible-lint of the
written playbooks). Command line: ``examples.py ROOT [--write DIR]`` lists them, or writes them.
"""

import argparse
import ast
import glob
import json
import os
import re
import sys

import yaml

YAML_LANGUAGES = ("yaml", "yml", "yaml+jinja")
MD_SKIP = re.compile(r"^\s*<!--\s*example:\s*skip\b\s*(?P<reason>.*?)\s*-->\s*$")
RST_SKIP = re.compile(r"^\s*\.\.\s+example:\s*skip\b\s*(?P<reason>.*?)\s*$")
MD_FENCE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<lang>[^\s`]*)")
MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
RST_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*(?P<lang>\S*)\s*$")
RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")
# The feed file that examples name (src: blocklist.txt), with a comment line and notes as real feeds have.
FEED_NAME = "blocklist.txt"
FEED_LINES = ["# Blocklist for the examples", "192.0.2.10", "198.51.100.0/24 ; scanner network", "2001:db8::/48  # partner"]


class Example:
    """One documented example: where it is, its text, and whether it is a playbook or a list of tasks."""

    def __init__(self, source, line, heading, text, skip=None, path=None):
        self.source = source      # path relative to the collection root
        self.line = line          # where the block starts in that file (1-based)
        self.heading = heading    # the section it is in ("EXAMPLES" for a module)
        self.text = text
        self.skip = skip          # the reason given by a skip marker, or None
        self.path = path          # run this file in place (playbooks/) instead of a written copy
        self.kind, self.problem = classify(text)

    @property
    def label(self):
        return "%s:%d (%s)" % (self.source, self.line, self.heading)

    @property
    def slug(self):
        words = re.sub(r"[^a-z0-9]+", "-", ("%s %s %d" % (self.source, self.heading, self.line)).lower())
        return words.strip("-")[:90]


def classify(text):
    """('playbook' | 'tasks' | None, problem or None)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, "not valid YAML: %s" % " ".join(str(exc).split())
    if not isinstance(data, list) or not data or not all(isinstance(entry, dict) for entry in data):
        return None, "neither a playbook nor a list of tasks; mark it 'example: skip REASON' if it is not meant to run"
    if any("hosts" in entry or "import_playbook" in entry or "ansible.builtin.import_playbook" in entry for entry in data):
        return "playbook", None
    return "tasks", None


def module_examples(root):
    found, problems = [], []
    for path in sorted(glob.glob(os.path.join(root, "plugins", "modules", "*.py"))):
        source = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        text, line = None, 0
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
                text, line = ast.literal_eval(node.value), node.lineno
        if not (text or "").strip():
            problems.append("%s has no EXAMPLES" % source)
            continue
        found.append(Example(source, line, "EXAMPLES", text))
    return found, problems


def markdown_examples(root, source):
    with open(os.path.join(root, source), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    found, headings, index = [], [], 0
    while index < len(lines):
        fence = MD_FENCE.match(lines[index])
        heading = MD_HEADING.match(lines[index])
        if heading:
            level = len(heading.group("hashes"))
            headings = [h for h in headings if h[0] < level] + [(level, heading.group("title"))]
        if not fence:
            index += 1
            continue
        start, end = index, index + 1
        while end < len(lines) and not lines[end].startswith(fence.group("fence")):
            end += 1
        if fence.group("lang").lower() in YAML_LANGUAGES:
            text = "\n".join(lines[start + 1:end]) + "\n"
            found.append(Example(source, start + 1, " > ".join(h[1] for h in headings[1:]) or "top",
                                 text, skip_reason(lines, start, MD_SKIP)))
        index = end + 1
    return found


def rst_examples(root, source):
    with open(os.path.join(root, source), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    found, levels, headings = [], [], []
    for index, line in enumerate(lines):
        if index and RST_UNDERLINE.match(line) and lines[index - 1].strip() and not lines[index - 1].startswith(" ") \
                and len(line.rstrip()) >= len(lines[index - 1].rstrip()):
            char = line[0]
            if char not in levels:
                levels.append(char)
            level = levels.index(char)
            headings = headings[:level] + [lines[index - 1].strip()]
        directive = RST_DIRECTIVE.match(line)
        if not directive or directive.group("lang").lower() not in YAML_LANGUAGES:
            continue
        indent = len(directive.group("indent"))
        end = index + 1
        while end < len(lines) and re.match(r"^\s+:[\w-]+:", lines[end]):  # the directive's options
            end += 1
        body = []
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            body.append(lines[end])
            end += 1
        content = [entry for entry in body if entry.strip()]
        margin = min((len(entry) - len(entry.lstrip()) for entry in content), default=0)
        text = "\n".join(entry[margin:] for entry in body).strip("\n") + "\n"
        found.append(Example(source, index + 1, " > ".join(headings[1:]) or (headings[0] if headings else "top"),
                             text, skip_reason(lines, index, RST_SKIP)))
    return found


def skip_reason(lines, index, marker):
    """The reason of a skip marker on the last non-blank line before ``index``; '' is refused later."""
    before = index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    match = marker.match(lines[before]) if before >= 0 else None
    return None if match is None else match.group("reason") or "(no reason given)"


def playbook_examples(root):
    found = []
    for path in sorted(glob.glob(os.path.join(root, "playbooks", "*.yml"))):
        with open(path, encoding="utf-8") as handle:
            found.append(Example(os.path.relpath(path, root), 1, "playbook", handle.read(), path=path))
    return found


def find_examples(root):
    """(examples, problems): every example in documentation order, and what is wrong with the sources."""
    found, problems = module_examples(root)
    readme = os.path.join(root, "README.md")
    if not os.path.exists(readme):
        problems.append("README.md is missing")
    else:
        found += markdown_examples(root, "README.md")
    for path in sorted(glob.glob(os.path.join(root, "docs", "docsite", "rst", "*.rst"))):
        found += rst_examples(root, os.path.relpath(path, root))
    found += playbook_examples(root)
    if not any(example.source == "README.md" for example in found):
        problems.append("README.md holds no YAML example")
    return found, problems


def playbook_text(example):
    """The playbook that runs ``example``: as written, or its tasks in a play on localhost."""
    if example.kind == "playbook":
        return example.text
    tasks = "\n".join(("    " + line) if line.strip() else "" for line in example.text.rstrip("\n").splitlines())
    return ("---\n- name: %s\n  hosts: localhost\n  gather_facts: false\n  tasks:\n%s\n"
            % (json.dumps("Example from " + example.label), tasks))


def write_example(example, directory):
    """Write the playbook of ``example`` and the feed file next to it; return the playbook's path."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, FEED_NAME), "w", encoding="utf-8") as handle:
        handle.write("\n".join(FEED_LINES) + "\n")
    path = os.path.join(directory, example.slug + ".yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(playbook_text(example))
    return path


def write_all(root, directory):
    """Write every example that parses as a playbook or tasks into ``directory``, those marked skip too (they are
    linted, not run); the playbooks under playbooks/ are linted where they are. (written paths, problems)."""
    examples, problems = find_examples(root)
    written = [write_example(e, directory) for e in examples if e.kind and not e.path]
    problems += ["%s: %s" % (e.label, e.problem) for e in examples if e.problem and not e.skip]
    return written, problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", help="the collection's root folder")
    parser.add_argument("--write", metavar="DIR", help="write every example as a playbook into DIR")
    args = parser.parse_args(argv)
    examples, problems = find_examples(args.root)
    for example in examples:
        state = "skip (%s)" % example.skip if example.skip else (example.kind or "PROBLEM: %s" % example.problem)
        print("%-70s %s" % (example.label, state))
        if args.write and example.kind and not example.path:
            write_example(example, args.write)
    for problem in problems:
        print("PROBLEM: %s" % problem)
    return 1 if problems or any(not e.skip and e.problem for e in examples) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
