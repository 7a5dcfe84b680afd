# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection, the rate limit, the counters and the admin endpoints."""

import datetime
import email.utils
import json
import threading
import time

import pytest
import requests


def admin(sim, method, route, body=None):
    """Call an admin endpoint on its own connection; returns (status, json)."""
    response = requests.request(method, sim.base + "/__sim/" + route, json=body, timeout=10)
    return response.status_code, response.json()


# -- faults -------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_in_json(api, sim, status):
    sim.add_fault("status", status=status)
    response = api.call("GET")
    assert response.status_code == status and response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is False and body["result"] is None and body["errors"][0]["code"] >= 1000
    assert "Retry-After" not in response.headers
    assert api.call("GET").status_code == 200


@pytest.mark.parametrize("status, title", [(429, "429 Too Many Requests"), (500, "500 Internal Server Error"), (502, "502 Bad Gateway"),
                                           (503, "503 Service Unavailable"), (504, "504 Gateway Timeout")])
def test_edge_errors_in_html(api, sim, status, title):
    sim.add_fault("status", status=status, body="html")
    response = api.call("GET")
    assert response.status_code == status and response.headers["Content-Type"].startswith("text/html")
    assert f"<title>{title}</title>" in response.text and "<center>cloudflare</center>" in response.text
    with pytest.raises(ValueError):
        response.json()
    assert response.headers["Server"] == "cloudflare" and response.headers["CF-RAY"]


def test_429_in_json_with_retry_after_seconds(api, sim):
    sim.add_fault("status", status=429, retry_after=7)
    response = api.call("GET")
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.json()["errors"] == [{"code": 971, "message": "Please wait and consider throttling your request speed"}]


def test_429_defaults_to_one_second_and_can_have_none(api, sim):
    sim.add_faults([{"kind": "status", "status": 429}, {"kind": "status", "status": 429, "retry_after": None}])
    assert api.call("GET").headers["Retry-After"] == "1"
    assert "Retry-After" not in api.call("GET").headers


def test_retry_after_as_http_date_and_retry_after_ms(api, sim):
    sim.add_fault("status", status=503, retry_after=30, retry_after_format="http-date", retry_after_ms=1500)
    response = api.call("GET")
    when = email.utils.parsedate_to_datetime(response.headers["Retry-After"])
    wait = (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 25 <= wait <= 31
    assert response.headers["retry-after-ms"] == "1500"


def test_custom_code_and_message(api, sim):
    sim.add_fault("status", status=500, code=10013, message="Please retry")
    assert api.call("GET").json()["errors"] == [{"code": 10013, "message": "Please retry"}]


def test_connection_reset_before_processing(api, sim):
    sim.add_fault("reset", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.call("POST", json={"name": "never", "kind": "ip"})
    assert api.ok("GET") == []


def test_connection_reset_after_processing_keeps_the_change(api, sim):
    sim.add_fault("reset", method="POST", after=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.call("POST", json={"name": "happened", "kind": "ip"})
    assert [lst["name"] for lst in api.ok("GET")] == ["happened"]


def test_status_after_processing_keeps_the_change(api, sim):
    sim.add_fault("status", status=504, body="html", method="POST", after=True)
    assert api.call("POST", json={"name": "happened", "kind": "ip"}).status_code == 504
    assert [lst["name"] for lst in api.ok("GET")] == ["happened"]


def test_slow_answer(api, sim):
    sim.add_fault("slow", delay=0.15)
    started = time.monotonic()
    assert api.call("GET").status_code == 200
    assert time.monotonic() - started >= 0.15
    with pytest.raises(requests.exceptions.Timeout):
        sim.add_fault("slow", delay=0.3)
        api.call("GET", timeout=0.05)


def test_truncated_json(api, sim):
    api.new_list()
    sim.add_fault("truncate")
    response = api.call("GET")
    assert response.status_code == 200 and int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(ValueError):
        json.loads(response.text)
    assert response.text == json.dumps(api.call("GET").json())[: len(response.content)]


def test_truncated_body_with_full_content_length(api, sim):
    sim.add_fault("truncate", incomplete=True)
    with pytest.raises(requests.exceptions.RequestException):
        api.call("GET")
    assert api.call("GET").status_code == 200


def test_success_false_on_200(api, sim):
    sim.add_fault("success_false", code=10015, message="Temporary failure")
    response = api.call("GET")
    assert response.status_code == 200
    assert response.json() == {"result": None, "success": False, "errors": [{"code": 10015, "message": "Temporary failure"}], "messages": []}


def test_operation_fault_sets_duration_and_failure(api, sim, clock):
    sim.configure(busy_writes="queue")
    list_id = api.new_list()
    sim.add_fault("operation", duration=5, fail_with="Internal error, please retry")
    slow_fail = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    normal = api.write("POST", list_id, [{"ip": "192.0.2.2"}])
    clock.advance(5.5)
    assert api.operation(slow_fail)["error"] == "Internal error, please retry"
    assert api.operation(normal)["status"] == "running"
    clock.advance(0.5)
    assert [item["ip"] for item in api.items(list_id)] == ["192.0.2.2"]


def test_operation_fault_ignores_reads_and_list_writes(api, sim, clock):
    sim.add_fault("operation", fail_with="boom")
    list_id = api.new_list()
    assert api.items(list_id) == []
    operation_id = api.write("PUT", list_id, [{"ip": "192.0.2.1"}])
    clock.advance(1)
    assert api.operation(operation_id)["error"] == "boom"


def test_matching_by_method_path_count_and_skip(api, sim):
    list_id = api.new_list()
    sim.add_fault("status", status=503, method="GET", path="/items", count=2, skip=1)
    assert api.call("GET", f"/{list_id}/items").status_code == 200
    assert api.call("GET").status_code == 200
    assert api.call("POST", f"/{list_id}/items", json=[]).status_code == 200
    assert [api.call("GET", f"/{list_id}/items").status_code for dummy in range(3)] == [503, 503, 200]
    assert sim.pending_faults() == []


def test_faults_apply_in_order_and_can_be_cleared(api, sim):
    sim.add_faults([{"kind": "status", "status": 500}, {"kind": "status", "status": 502, "count": 5}])
    assert [api.call("GET").status_code for dummy in range(2)] == [500, 502]
    assert sim.pending_faults()[0]["count"] == 4
    sim.clear_faults()
    assert api.call("GET").status_code == 200


@pytest.mark.parametrize("spec", [{"kind": "explode"}, {}, {"kind": "status", "count": 0}, {"kind": "status", "skip": -1},
                                  {"kind": "status", "body": "xml"}, {"kind": "status", "retry_after_format": "minutes"}, "status"])
def test_bad_faults_are_refused(sim, spec):
    with pytest.raises(ValueError):
        sim.add_faults(spec)


# -- rate limit ---------------------------------------------------------------------------------

def test_rate_limit_answers_429_until_the_window_frees(api, sim, clock):
    sim.configure(rate_limit=(3, 10))
    assert [api.call("GET").status_code for dummy in range(3)] == [200, 200, 200]
    clock.advance(4)
    limited = api.call("GET")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "6"
    assert limited.json()["errors"] == [{"code": 10100, "message": "Please wait and consider throttling your request speed"}]
    other = {"Authorization": "Bearer " + sim.read_token}
    assert api.call("GET", headers=other).status_code == 200
    clock.advance(6)
    assert api.call("GET").status_code == 200


def test_a_request_held_across_a_reset_does_not_count_against_the_next_limit(api, sim):
    """A slow request that began before a reset is answered after it, without using up the new window."""
    sim.configure(rate_limit=(1, 300))
    sim.add_fault("slow", delay=0.3, method="GET")
    held = []
    worker = threading.Thread(target=lambda: held.append(api.call("GET").status_code))
    worker.start()
    deadline = time.monotonic() + 5
    while sim.get_counters()["total"] < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    sim.reset()
    sim.configure(rate_limit=(1, 300))
    worker.join(5)
    assert held == [200]
    assert api.call("GET").status_code == 200  # the new window's one request
    assert api.call("GET").status_code == 429


def test_rate_limit_default_is_cloudflares_and_can_be_switched_off(api, sim):
    assert sim.config["rate_limit"] == (1200, 300)
    sim.configure(rate_limit=(1, 300))
    api.call("GET")
    assert api.call("GET").status_code == 429
    sim.configure(rate_limit=None)
    assert api.call("GET").status_code == 200


# -- counters -----------------------------------------------------------------------------------

def test_counters_per_path_route_and_total(api, sim):
    list_id = api.new_list()
    api.items(list_id)
    api.items(list_id)
    api.call("GET", "/nope/items/x/y")
    admin(sim, "GET", "counters")
    counters = sim.get_counters()
    base = f"/client/v4/accounts/{sim.account_id}/rules/lists"
    assert counters["total"] == 4
    assert counters["requests"] == {f"POST {base}": 1, f"GET {base}/{list_id}/items": 2, f"GET {base}/nope/items/x/y": 1}
    assert counters["routes"]["GET /client/v4/accounts/{account_id}/rules/lists/{list_id}/items"] == 2
    assert counters["routes"]["GET unknown"] == 1


def test_keep_alive_uses_one_connection(api, sim):
    for dummy in range(20):
        api.call("GET")
    assert sim.get_counters()["connections"] == 1
    assert sim.get_counters()["api_connections"] == 1
    for dummy in range(3):
        requests.get(api.lists_url(), headers=api.headers, timeout=10)
    assert sim.get_counters()["connections"] == 4


def test_connection_close_header_and_faults_open_new_connections(api, sim):
    assert api.call("GET", headers=dict(api.headers, Connection="close")).headers["Connection"] == "close"
    api.call("GET")
    sim.add_fault("reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.call("GET")
    api.call("GET")
    assert sim.get_counters()["connections"] == 3
    assert sim.get_counters()["total"] == 4


def test_faulted_and_rate_limited_requests_are_counted(api, sim):
    sim.configure(rate_limit=(1, 60))
    sim.add_fault("status", status=500)
    api.call("GET")
    api.call("GET")
    api.call("GET")
    assert sim.get_counters()["total"] == 3


def test_answers_are_counted_by_status(api, sim):
    sim.configure(rate_limit=(2, 60))
    sim.add_fault("status", status=503, body="html")
    assert [api.call("GET").status_code for dummy in range(4)] == [503, 200, 200, 429]
    sim.add_fault("reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        api.call("GET")
    counters = admin(sim, "GET", "counters")[1]
    assert counters["total"] == 5
    assert counters["statuses"] == {"503": 1, "200": 2, "429": 1}


def test_reset_counters(api, sim):
    api.call("GET")
    sim.reset_counters()
    assert sim.get_counters() == {"total": 0, "requests": {}, "routes": {}, "statuses": {}, "connections": 0,
                                  "api_connections": 0}


# -- admin endpoints ----------------------------------------------------------------------------

def test_admin_faults(api, sim):
    status, body = admin(sim, "POST", "faults", [{"kind": "status", "status": 503, "path": "/rules/lists", "count": 2}])
    assert status == 200 and body["faults"][0]["count"] == 2
    assert admin(sim, "GET", "faults")[1]["faults"][0]["status"] == 503
    assert api.call("GET").status_code == 503
    assert admin(sim, "DELETE", "faults") == (200, {"faults": []})
    assert api.call("GET").status_code == 200
    assert admin(sim, "POST", "faults", {"kind": "reset"})[0] == 200
    assert admin(sim, "POST", "faults", {"kind": "nope"})[0] == 400


def test_admin_is_not_counted_and_needs_no_auth(sim):
    for route in ("counters", "faults", "config", "state"):
        assert admin(sim, "GET", route)[0] == 200
    counters = admin(sim, "GET", "counters")[1]
    assert counters["total"] == 0 and counters["api_connections"] == 0
    assert admin(sim, "DELETE", "counters")[1]["connections"] == 0


def test_admin_operations_config_advance_and_reset(api, sim):
    status, body = admin(sim, "POST", "operations", {"duration": 2, "fail_with": "Seeded failure"})
    assert status == 200
    assert api.operation(body["id"])["status"] == "pending"
    assert admin(sim, "POST", "advance", {"seconds": 2})[0] == 200
    failed = api.operation(body["id"])
    assert failed == {"id": body["id"], "status": "failed", "completed": failed["completed"], "error": "Seeded failure"}
    config = admin(sim, "POST", "config", {"op_duration": 3, "rate_limit": [50, 60], "max_lists": 5, "max_items": 20})[1]
    assert config == {"op_duration": 3, "rate_limit": [50, 60], "max_lists": 5, "max_items": 20, "per_page_default": 25, "busy_writes": "reject",
                      "busy_status": 400, "duplicate_append": "refuse", "ipv4_host32": "address", "ipv6_address": "address",
                      "host_bits": "refuse", "max_write_items": None, "entrypoint_missing": "404", "entrypoint_race": False,
                      "answer_extras": "add", "patch_same_version": "new", "missing_list_error": "unknown_list",
                      "max_rules_per_phase": 1000}
    assert admin(sim, "GET", "config")[1]["max_items"] == 20
    assert admin(sim, "POST", "config", {"nonsense": 1})[0] == 400
    assert admin(sim, "POST", "reset")[1] == {"reset": True}
    assert admin(sim, "GET", "config")[1]["max_items"] == 10000


def test_admin_seed_list_and_state(api, sim):
    status, created = admin(sim, "POST", "lists", {"name": "seeded", "kind": "asn", "items": [{"asn": 13335}]})
    assert status == 200 and created["num_items"] == 1
    assert api.items(created["id"])[0]["asn"] == 13335
    assert admin(sim, "POST", "lists", {"name": "Bad", "kind": "asn"})[0] == 400
    state = admin(sim, "GET", "state")[1]
    assert state["url"] == sim.url and state["api_token"] == "sim-edit-token-0000" and state["read_token"] == "sim-read-token-0000"


def test_admin_seeds_a_list_that_rules_use(api, sim):
    status, created = admin(sim, "POST", "lists", {"name": "in_use", "kind": "ip", "num_referencing_filters": 2})
    assert status == 200 and created["num_referencing_filters"] == 2
    response = api.session.delete(f"{sim.url}/accounts/{sim.account_id}/rules/lists/{created['id']}", headers=api.headers, timeout=10)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == 10031


def test_admin_errors(sim):
    assert admin(sim, "GET", "nothing")[0] == 404
    response = requests.post(sim.base + "/__sim/faults", data=b"{", timeout=10)
    assert response.status_code == 400
