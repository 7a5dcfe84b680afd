# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hacking/ecosystem.py parses a tool's JSON or YAML from its stdout alone, and reports its stderr on failure.

A library that prints a warning on stderr (cryptography's CryptographyDeprecationWarning, when ansible-core
imports it) must not break the parse of what ``ansible-doc --json`` or ``ansible-builder introspect`` prints.
"""

import importlib.util
import json
import os
import sys

import pytest

ECOSYSTEM_PY = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                            "hacking", "ecosystem.py")


@pytest.fixture(scope="module")
def ecosystem():
    spec = importlib.util.spec_from_file_location("netedge_ecosystem", ECOSYSTEM_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A tool that warns on stderr first, as ansible-doc does when cryptography warns on import, then prints its answer.
WARNING = "CryptographyDeprecationWarning: Python 3.x support is deprecated in cryptography"


def tool(stdout, exit_code=0):
    script = ("import sys, warnings\n"
              "warnings.warn(%r, DeprecationWarning)\n"
              "sys.stderr.flush()\n"
              "sys.stdout.write(%r)\n"
              "sys.exit(%d)\n") % (WARNING, stdout, exit_code)
    return [sys.executable, "-W", "always", "-c", script]


def test_json_is_parsed_from_stdout_despite_a_warning_on_stderr(ecosystem):
    doc = {"netedge.cloudflare.cloudflare_list": {"doc": {"options": {"name": {}}}}}
    assert ecosystem.run_parsed(tool(json.dumps(doc)), json.loads, "JSON") == doc


def test_yaml_is_parsed_from_stdout_despite_a_warning_on_stderr(ecosystem):
    assert ecosystem.run_parsed(tool("python:\n- requests\n"), ecosystem.yaml.safe_load, "YAML") == {"python": ["requests"]}


def test_run_returns_stdout_only(ecosystem):
    assert ecosystem.run(tool("plain output\n")) == "plain output\n"


def test_output_that_is_not_json_fails_with_both_streams_in_the_message(ecosystem):
    with pytest.raises(ecosystem.CheckFailed) as failure:
        ecosystem.run_parsed(tool("not json"), json.loads, "JSON")
    message = str(failure.value)
    assert "printed no valid JSON on stdout" in message
    assert WARNING in message and "not json" in message


def test_a_failing_tool_is_reported_with_its_stderr(ecosystem):
    with pytest.raises(ecosystem.CheckFailed) as failure:
        ecosystem.run_parsed(tool("{}", exit_code=3), json.loads, "JSON")
    assert "exited 3" in str(failure.value) and WARNING in str(failure.value)
