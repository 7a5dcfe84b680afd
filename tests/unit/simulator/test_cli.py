# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator as a script: state file, credentials, lifetime, signals; and import by path."""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

STATE_KEYS = {"url", "pid", "account_id", "api_token", "read_token", "api_email", "api_key"}


def wait_for(predicate, timeout):
    """Poll ``predicate`` every 20 ms until true or ``timeout`` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


@pytest.fixture
def run_cli(sim_module, tmp_path):
    """Start the script with arguments; yields a starter returning (process, state, seconds to start)."""
    processes = []

    def start(*args):
        state_file = tmp_path / f"state-{len(processes)}.json"
        started = time.monotonic()
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, sim_module.__file__, "--port", "0", "--state-file", str(state_file)] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        processes.append(process)
        assert wait_for(state_file.exists, 10), process.communicate(timeout=5)
        return process, json.loads(state_file.read_text(encoding="utf-8")), time.monotonic() - started, state_file

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def test_defaults_state_file_and_lifetime(run_cli):
    process, state, startup, state_file = run_cli("--lifetime", "2")
    assert startup < 2
    assert STATE_KEYS <= set(state) and state["pid"] == process.pid
    assert state["url"].startswith("http://127.0.0.1:") and state["url"].endswith("/client/v4")
    assert state["account_id"] == "0123456789abcdef0123456789abcdef"
    assert (state["api_token"], state["read_token"]) == ("sim-edit-token-0000", "sim-read-token-0000")
    assert (state["api_email"], state["api_key"]) == ("sim@example.com", "sim-global-api-key-0000")
    lists = f"{state['url']}/accounts/{state['account_id']}/rules/lists"
    assert requests.get(lists, headers={"Authorization": "Bearer " + state["read_token"]}, timeout=5).json()["success"] is True
    by_key = requests.get(lists, headers={"X-Auth-Email": state["api_email"], "X-Auth-Key": state["api_key"]}, timeout=5)
    assert by_key.status_code == 200
    assert process.wait(timeout=10) == 0
    assert not state_file.exists()
    stdout, stderr = process.communicate(timeout=5)
    assert stdout == b"" and stderr == b""


def test_options_and_sigterm(run_cli):
    account = "fedcba9876543210fedcba9876543210"
    process, state, dummy, state_file = run_cli("--lifetime", "60", "--token", "reader:read", "--token", "writer", "--email", "ops@example.org",
                                                "--api-key", "k123", "--account-id", account, "--op-duration", "0", "--max-lists", "1")
    assert (state["api_token"], state["read_token"], state["api_email"], state["api_key"]) == ("writer", "reader", "ops@example.org", "k123")
    session = requests.Session()
    session.headers["Authorization"] = "Bearer writer"
    lists = f"{state['url']}/accounts/{account}/rules/lists"
    list_id = session.post(lists, json={"name": "one", "kind": "ip"}, timeout=5).json()["result"]["id"]
    assert session.post(lists, json={"name": "two", "kind": "ip"}, timeout=5).status_code == 400
    operation_id = session.post(f"{lists}/{list_id}/items", json=[{"ip": "192.0.2.1"}], timeout=5).json()["result"]["operation_id"]
    assert session.get(f"{lists}/bulk_operations/{operation_id}", timeout=5).json()["result"]["status"] == "completed"
    assert session.get(lists, headers={"Authorization": "Bearer sim-edit-token-0000"}, timeout=5).status_code == 403
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert not state_file.exists()


def test_rate_limit_option_and_admin(run_cli):
    process, state, dummy, dummy_file = run_cli("--lifetime", "60", "--rate-limit", "2/60", "--busy-writes", "reject")
    headers = {"Authorization": "Bearer " + state["api_token"]}
    lists = f"{state['url']}/accounts/{state['account_id']}/rules/lists"
    assert [requests.get(lists, headers=headers, timeout=5).status_code for dummy in range(3)] == [200, 200, 429]
    base = state["url"].rsplit("/client/v4", 1)[0]
    assert requests.get(base + "/__sim/counters", timeout=5).json()["total"] == 3
    assert requests.post(base + "/__sim/config", json={"rate_limit": None}, timeout=5).status_code == 200
    assert requests.get(lists, headers=headers, timeout=5).status_code == 200
    assert requests.get(base + "/__sim/config", timeout=5).json()["busy_writes"] == "reject"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


def test_verbose_logs_requests(run_cli):
    process, state, dummy, dummy_file = run_cli("--lifetime", "60", "--verbose", "--rate-limit", "off")
    requests.get(state["url"] + "/nowhere", timeout=5)
    process.send_signal(signal.SIGTERM)
    dummy_out, stderr = process.communicate(timeout=10)
    assert b"listening on" in stderr and b"GET /client/v4/nowhere" in stderr


def test_importable_by_file_path_without_shebang(sim_module):
    spec = importlib.util.spec_from_file_location("cloudflare_sim_by_path", sim_module.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DEFAULT_ACCOUNT_ID == "0123456789abcdef0123456789abcdef"
    with open(sim_module.__file__, encoding="utf-8") as source:
        assert not source.readline().startswith("#!")
    assert not os.access(sim_module.__file__, os.X_OK)
    with module.Simulator() as sim:
        assert requests.get(sim.url + "/accounts", timeout=5).status_code == 404


def test_setting_flags_and_their_defaults(run_cli):
    process, state, dummy, dummy_file = run_cli("--lifetime", "60", "--rate-limit", "off")
    base = state["url"].rsplit("/client/v4", 1)[0]
    config = requests.get(base + "/__sim/config", timeout=5).json()
    assert {key: config[key] for key in ("busy_writes", "busy_status", "duplicate_append", "ipv4_host32", "ipv6_address", "host_bits",
                                         "max_write_items")} == {
        "busy_writes": "reject", "busy_status": 400, "duplicate_append": "refuse", "ipv4_host32": "address", "ipv6_address": "address",
        "host_bits": "refuse", "max_write_items": None}
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    process, state, dummy, dummy_file = run_cli("--lifetime", "60", "--busy-writes", "queue", "--busy-status", "429", "--duplicate-append", "update",
                                                "--ipv4-host32", "cidr", "--ipv6-address", "slash64", "--host-bits", "as_given",
                                                "--max-write-items", "2")
    base = state["url"].rsplit("/client/v4", 1)[0]
    config = requests.get(base + "/__sim/config", timeout=5).json()
    assert (config["busy_writes"], config["busy_status"], config["duplicate_append"]) == ("queue", 429, "update")
    assert (config["ipv4_host32"], config["ipv6_address"], config["host_bits"], config["max_write_items"]) == ("cidr", "slash64", "as_given", 2)
    headers = {"Authorization": "Bearer " + state["api_token"]}
    lists = f"{state['url']}/accounts/{state['account_id']}/rules/lists"
    list_id = requests.post(lists, json={"name": "one", "kind": "ip"}, headers=headers, timeout=5).json()["result"]["id"]
    too_many = requests.post(f"{lists}/{list_id}/items", json=[{"ip": f"192.0.2.{n}"} for n in range(3)], headers=headers, timeout=5)
    assert too_many.status_code == 413 and too_many.json()["errors"][0]["code"] == 10109
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_bad_setting_flag_is_a_usage_error(sim_module):
    result = subprocess.run([sys.executable, sim_module.__file__, "--host-bits", "strict"], capture_output=True, timeout=30, check=False)
    assert result.returncode == 2 and b"--host-bits" in result.stderr


def test_ruleset_setting_flags(run_cli):
    process, state, dummy, dummy_file = run_cli("--lifetime", "60", "--entrypoint-missing", "empty", "--entrypoint-race",
                                                "--answer-extras", "none", "--patch-same-version", "same",
                                                "--missing-list-error", "filter_parse", "--max-rules-per-phase", "5")
    base = state["url"].rsplit("/client/v4", 1)[0]
    config = requests.get(base + "/__sim/config", timeout=5).json()
    assert {key: config[key] for key in ("entrypoint_missing", "entrypoint_race", "answer_extras", "patch_same_version",
                                         "missing_list_error", "max_rules_per_phase")} == {
        "entrypoint_missing": "empty", "entrypoint_race": True, "answer_extras": "none", "patch_same_version": "same",
        "missing_list_error": "filter_parse", "max_rules_per_phase": 5}
    assert state["zone_id"] == "023e105f4ecef8ad9ca31a8372d0c353" and state["zone_name"] == "example.com"
    entry = f"{state['url']}/zones/{state['zone_id']}/rulesets/phases/http_request_firewall_custom/entrypoint"
    answer = requests.get(entry, headers={"Authorization": "Bearer " + state["api_token"]}, timeout=5).json()
    assert answer == {"result": None, "success": True, "errors": [], "messages": []}
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
