# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated API's doors: authentication answers, routing, malformed requests."""

import pytest

OTHER_ACCOUNT = "fedcba9876543210fedcba9876543210"


# -- authentication -------------------------------------------------------------------------

@pytest.mark.parametrize("headers, message", [
    ({}, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"),
    ({"X-Auth-Email": "sim@example.com"}, "Missing X-Auth-Key header"),
    ({"X-Auth-Key": "sim-global-api-key-0000"}, "Missing X-Auth-Email header"),
])
def test_missing_auth_headers_get_9106(api, headers, message):
    assert api.errors_of(api.call("GET", headers=headers), 400) == [{"code": 9106, "message": message}]


@pytest.mark.parametrize("value", ["Token sim-edit-token-0000", "Bearer", "Bearer ", "bearer sim-edit-token-0000", "Bearer a b"])
def test_malformed_authorization_gets_6003_with_6111_chain(api, value):
    (err,) = api.errors_of(api.call("GET", headers={"Authorization": value}), 400)
    assert err["code"] == 6003
    assert err["error_chain"] == [{"code": 6111, "message": "Invalid format for Authorization header"}]


def test_malformed_email_gets_6003_with_6102_chain(api):
    (err,) = api.errors_of(api.call("GET", headers={"X-Auth-Email": "nobody", "X-Auth-Key": "k"}), 400)
    assert err["code"] == 6003 and err["error_chain"][0]["code"] == 6102


def test_unknown_token_gets_403_10000(api):
    assert api.errors_of(api.call("GET", headers={"Authorization": "Bearer nope"}), 403) == [{"code": 10000, "message": "Authentication error"}]


@pytest.mark.parametrize("email, key", [("sim@example.com", "wrong"), ("other@example.com", "sim-global-api-key-0000")])
def test_wrong_email_or_key_gets_403_9103(api, email, key):
    errors = api.errors_of(api.call("GET", headers={"X-Auth-Email": email, "X-Auth-Key": key}), 403)
    assert errors == [{"code": 9103, "message": "Unknown X-Auth-Key or X-Auth-Email"}]


def test_global_key_works_for_every_account(api, sim):
    sim.add_account(OTHER_ACCOUNT)
    headers = {"X-Auth-Email": "SIM@example.com", "X-Auth-Key": "sim-global-api-key-0000"}
    assert api.call("GET", headers=headers).status_code == 200
    response = api.session.get(api.lists_url(account_id=OTHER_ACCOUNT), headers=headers, timeout=10)
    assert response.status_code == 200 and response.json()["result"] == []


def test_token_on_an_account_it_does_not_own_gets_403(api, sim):
    sim.add_account(OTHER_ACCOUNT)
    response = api.session.get(api.lists_url(account_id=OTHER_ACCOUNT), headers=api.headers, timeout=10)
    assert api.codes_of(response, 403) == [10000]
    sim.add_token("other-account-token", "edit", OTHER_ACCOUNT)
    response = api.session.get(api.lists_url(account_id=OTHER_ACCOUNT), headers={"Authorization": "Bearer other-account-token"}, timeout=10)
    assert response.status_code == 200


def test_read_token_reads_everything_but_writes_nothing(api, sim, clock):
    list_id = api.new_list()
    operation_id = api.write("POST", list_id, [{"ip": "192.0.2.1"}])
    clock.advance(1)
    read = {"Authorization": "Bearer " + sim.read_token}
    item_id = api.items(list_id)[0]["id"]
    for suffix in ("", f"/{list_id}", f"/{list_id}/items", f"/{list_id}/items/{item_id}", f"/bulk_operations/{operation_id}"):
        assert api.call("GET", suffix, headers=read).status_code == 200, suffix
    writes = [("POST", "", {"name": "x", "kind": "ip"}), ("PUT", f"/{list_id}", {"description": "d"}), ("DELETE", f"/{list_id}", None),
              ("POST", f"/{list_id}/items", []), ("PUT", f"/{list_id}/items", []), ("DELETE", f"/{list_id}/items", {"items": [{"id": item_id}]})]
    for method, suffix, body in writes:
        assert api.codes_of(api.call(method, suffix, headers=read, json=body), 403) == [10000], (method, suffix)
    assert len(api.items(list_id)) == 1


# -- routing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/client/v4/nothing/here", "/client/v4/accounts", "/v4/accounts/x/rules/lists", "/", "/client/v4/"])
def test_unknown_paths_get_7000(api, sim, path):
    response = api.session.get(sim.base + path, headers=api.headers, timeout=10)
    assert api.errors_of(response, 404) == [{"code": 7000, "message": "No route for that URI"}]


@pytest.mark.parametrize("suffix", ["/abc", "/0123456789ABCDEF0123456789ABCDEF", "/" + "0" * 32, "/" + "0" * 32 + "/items",
                                    "/bulk_operations/" + "0" * 32, "/bulk_operations/xyz"])
def test_unknown_or_malformed_ids_get_7003(api, suffix):
    errors = api.errors_of(api.call("GET", suffix), 404)
    path = api.lists_url(suffix).split("127.0.0.1", 1)[1].split("/", 1)[1]
    assert errors[0] == {"code": 7003, "message": f"Could not route to /{path}, perhaps your object identifier is invalid?"}
    assert errors[1]["code"] == 7000


def test_unknown_item_and_malformed_account_get_7003(api, sim):
    list_id = api.new_list()
    assert api.codes_of(api.call("GET", f"/{list_id}/items/{'a' * 32}"), 404) == [7003, 7000]
    response = api.session.get(f"{sim.url}/accounts/not-an-account/rules/lists", headers=api.headers, timeout=10)
    assert api.codes_of(response, 404) == [7003, 7000]


def test_method_not_on_route_gets_405(api):
    assert api.codes_of(api.call("PATCH", json={}), 405) == [7001]


@pytest.mark.parametrize("body", [b"{", b"", b"nul", b"\xff\xfe"])
def test_malformed_json_gets_400_invalid_json(api, body):
    response = api.call("POST", data=body, headers=dict(api.headers, **{"Content-Type": "application/json"}))
    assert api.errors_of(response, 400) == [{"code": 10026, "message": "filters.api.invalid_json"}]


def test_chunked_request_body_is_read(api):
    chunks = iter([b'{"name": "chunked", ', b'"kind": "ip"}'])
    response = api.call("POST", data=chunks, headers=dict(api.headers, **{"Content-Type": "application/json"}))
    assert response.status_code == 200 and response.json()["result"]["name"] == "chunked"
