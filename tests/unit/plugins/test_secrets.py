# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secret safety on every failure path.

The server here is hostile: it echoes the credentials it receives into every part of its
answers that the module may quote (Cloudflare's error messages, error chains, HTML pages,
redirect targets, operation errors and statuses, bodies cut short). Whatever happens, neither
the API token nor the global key appears in the module's result, its warnings, what it logs,
or the text of the client's exceptions.
"""

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError
from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_bulk_operation_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ACCOUNT, API_KEY, EMAIL, OPERATION, TOKEN, FakeClock, run_module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import ScriptedServer, http_response

# No credential, CA bundle or proxy from the environment; the client sleeps on the fake clock (conftest.py).
pytestmark = pytest.mark.usefixtures("network_env")


def echoed(request):
    """The credentials the request carried, as one string to plant in answers."""
    return "token=%s key=%s" % (request.headers.get("authorization", ""), request.headers.get("x-auth-key", ""))


def envelope(result=None, success=False, errors=None):
    return json.dumps({"result": result, "success": success, "errors": errors or [], "messages": []})


# Each answer is a function of the request, so that it can echo the credentials.
HOSTILE_ANSWERS = {
    "403 with the credentials in Cloudflare's error": lambda r: http_response(
        403, envelope(errors=[{"code": 10000, "message": "Authentication error: " + echoed(r)}])),
    "400 with the credentials in an error chain": lambda r: http_response(
        400, envelope(errors=[{"code": 6003, "message": "Invalid request headers",
                               "error_chain": [{"code": 6111, "message": echoed(r)}]}])),
    "404 with the credentials in messages": lambda r: http_response(
        404, json.dumps({"result": None, "success": False, "errors": [{"code": 7003, "message": echoed(r)}],
                         "messages": [{"code": 1, "message": echoed(r)}]})),
    "502 HTML page quoting the request": lambda r: http_response(
        502, "<html><body><h1>502 Bad Gateway</h1><pre>%s</pre></body></html>" % echoed(r),
        {"Content-Type": "text/html"}),
    "429 asking for an hour, quoting the request": lambda r: http_response(
        429, envelope(errors=[{"code": 971, "message": echoed(r)}]), {"Retry-After": "3600"}),
    "200 with success false quoting the request": lambda r: http_response(
        200, envelope(errors=[{"code": 10002, "message": echoed(r)}])),
    "200 whose result is not an operation": lambda r: http_response(200, envelope(result={"echo": echoed(r)}, success=True)),
    "200 cut short, quoting the request": lambda r: http_response(200, '{"result": {"echo": "%s"' % echoed(r)),
    "301 redirect to a URL with the credentials": lambda r: http_response(
        301, envelope(), {"Location": "https://evil.example/?%s" % echoed(r).replace(" ", "&")}),
    "operation failed, its error quoting the request": lambda r: http_response(
        200, envelope(result={"id": OPERATION, "status": "failed", "error": echoed(r)}, success=True)),
    "operation in an unknown status that quotes the request": lambda r: http_response(
        200, envelope(result={"id": OPERATION, "status": echoed(r)[:45]}, success=True)),
    "reset": lambda r: [("reset",)],
}


@pytest.fixture
def logged(monkeypatch):
    """What the module logs (syslog or journal): recorded instead of sent."""
    records = []

    def log(self, msg, log_args=None):  # pylint: disable=unused-argument
        records.append(json.dumps([msg, log_args], default=str))

    monkeypatch.setattr(basic.AnsibleModule, "log", log)
    return records


@pytest.fixture(scope="module")
def shared_server():
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def server(shared_server):  # pylint: disable=redefined-outer-name
    shared_server.reset(answer=b"")
    return shared_server


def run(args):
    _result, raw, code = run_module(module, args)
    return raw, code


AUTH_MODES = {
    "token": dict(api_token=TOKEN),
    "global key": dict(api_email=EMAIL, api_key=API_KEY),
}


def assert_no_secret(*texts):
    for text in texts:
        assert TOKEN not in text, text
        assert API_KEY not in text, text


@pytest.mark.parametrize("auth", sorted(AUTH_MODES))
@pytest.mark.parametrize("wait", [False, True])
@pytest.mark.parametrize("answer", sorted(HOSTILE_ANSWERS))
def test_no_secret_in_the_result_warnings_or_logs(server, logged, answer, wait, auth):  # pylint: disable=redefined-outer-name
    server.answer = HOSTILE_ANSWERS[answer]
    args = dict(account_id=ACCOUNT, operation_id=OPERATION, base_url=server.url, max_retries=1, timeout=2,
                wait=wait, wait_timeout=1)
    args.update(AUTH_MODES[auth])
    raw, code = run(args)
    result = json.loads(raw)
    # Every answer fails the task, except a failed or unknown status read without waiting,
    # which is reported as it is.
    assert code == (0 if not wait and answer.startswith("operation ") else 1), raw
    assert "Traceback" not in raw and "exception" not in result
    assert_no_secret(raw, *logged)
    # The server did receive the credentials, and planted them where the module could have
    # quoted them: the masking is what kept them out.
    assert server.requests, "the module sent no request"
    sent = server.requests[0].headers
    assert TOKEN in sent.get("authorization", "") or API_KEY in sent.get("x-auth-key", "")


@pytest.mark.parametrize("answer", sorted(HOSTILE_ANSWERS))
def test_no_secret_in_the_client_errors(server, answer):  # pylint: disable=redefined-outer-name
    """The client redacts its own credentials from every error, before any caller sees it."""
    server.answer = HOSTILE_ANSWERS[answer]
    clock = FakeClock()
    for headers in ({"Authorization": "Bearer " + TOKEN}, {"X-Auth-Email": EMAIL, "X-Auth-Key": API_KEY}):
        client = CloudflareClient(server.url, headers, timeout=2, max_retries=1, clock=clock, sleep=clock.sleep,
                                  bypass_proxies=True)
        try:
            result = client.get("/accounts/%s/rules/lists/bulk_operations/%s" % (ACCOUNT, OPERATION))
        except CloudflareError as err:
            assert_no_secret(str(err), err.summary(), err.description, repr(err.args),
                             json.dumps(err.to_result()), repr(err.__dict__))
        else:
            # Answers that parse as an operation are returned as they are: the module judges them.
            assert isinstance(result, dict)
        finally:
            client.close()


@pytest.mark.parametrize("args, expected", [
    (dict(api_token=TOKEN + "\n"), "api_token contains spaces or characters that are not allowed in an HTTP header"),
    (dict(api_token="Bearer " + TOKEN), "api_token contains spaces or characters that are not allowed in an HTTP header"),
    (dict(api_email=EMAIL, api_key=API_KEY + " "), "api_key contains spaces"),
    (dict(api_token=TOKEN, api_key=API_KEY), "Both an API token and a global API key/email are set"),
    (dict(api_key=API_KEY), "api_email and api_key are required together; api_email is missing."),
    (dict(api_token=TOKEN, base_url="http://%s@192.0.2.1/client/v4" % TOKEN), "must not contain a user name or password"),
    (dict(api_token=TOKEN, base_url="http://192.0.2.1/client/v4?t=%s" % TOKEN), "must not have a query string"),
    (dict(api_token=TOKEN, base_url="http://192.0.2.1/%s" % TOKEN), "uses plain http to a host that is not loopback"),
    (dict(api_token=TOKEN, account_id=TOKEN), "account_id must be"),
    (dict(api_token=TOKEN, operation_id=TOKEN + "/x"), "operation_id must be"),
    (dict(api_email=EMAIL, api_key=API_KEY, operation_id=API_KEY + "/x"), "operation_id must be"),
])
def test_no_secret_when_options_are_refused(logged, args, expected):
    full = dict(account_id=ACCOUNT, operation_id=OPERATION, base_url="https://api.cloudflare.com/client/v4")
    full.update(args)
    raw, code = run(full)
    result = json.loads(raw)
    assert code == 1
    assert result["msg"].startswith("Invalid options: ") and expected in result["msg"], result["msg"]
    assert_no_secret(raw, *logged)


@pytest.mark.parametrize("variables", [
    {"CLOUDFLARE_API_TOKEN": TOKEN},
    {"CLOUDFLARE_TOKEN": TOKEN},
    {"CLOUDFLARE_EMAIL": EMAIL, "CLOUDFLARE_API_KEY": API_KEY},
])
def test_no_secret_when_credentials_come_from_the_environment(server, logged, monkeypatch, variables):  # pylint: disable=redefined-outer-name
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    server.answer = HOSTILE_ANSWERS["403 with the credentials in Cloudflare's error"]
    raw, code = run(dict(account_id=ACCOUNT, operation_id=OPERATION, base_url=server.url, max_retries=0))
    assert code == 1
    assert_no_secret(raw, *logged)
    assert "********" in raw
