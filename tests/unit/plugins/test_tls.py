# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Transport security, end to end through the module: TLS is verified by default, and
credentials never travel in clear to a host that is not loopback.

The HTTPS server is a real one on 127.0.0.1 with a self-signed certificate made here with the
openssl command (or the cryptography package when there is no openssl).
"""

import datetime
import ipaddress
import json
import shutil
import ssl
import subprocess

import pytest


from ansible_collections.netedge.cloudflare.plugins.modules import cloudflare_list_bulk_operation_info as module
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import ACCOUNT, API_KEY, EMAIL, OPERATION, TOKEN, run_module, warnings_of
from ansible_collections.netedge.cloudflare.tests.unit.plugins.scripted_server import ScriptedServer, http_response

DONE = {"id": OPERATION, "status": "completed", "completed": "2026-11-22T19:00:01.000000Z"}
OK_ANSWER = http_response(200, json.dumps({"result": DONE, "success": True, "errors": [], "messages": []}),
                          {"Content-Type": "application/json"})
# No credential, CA bundle or proxy from the environment; the client sleeps on the fake clock (conftest.py).
pytestmark = pytest.mark.usefixtures("network_env")


def make_certificate(folder, name, common_name, ip=None):
    """A self-signed certificate and its key (PEM files); with ``ip``, valid for that address."""
    cert, key = folder / (name + ".pem"), folder / (name + ".key")
    if shutil.which("openssl"):
        # An elliptic-curve key: made in milliseconds, where an RSA key takes a quarter of a second (and the
        # certificates are made again for each test under ansible-test units, which forks for every test).
        command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                   "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=%s" % common_name]
        if ip:
            command += ["-addext", "subjectAltName=IP:%s" % ip]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        return cert, key
    x509 = pytest.importorskip("cryptography.x509", reason="needs the openssl command or the cryptography package")
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel
    private = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(private.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True))
    if ip:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False)
    certificate = builder.sign(private, hashes.SHA256())
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    server_cert, server_key = make_certificate(folder, "server", "127.0.0.1", ip="127.0.0.1")
    other_cert, _other_key = make_certificate(folder, "other", "an unrelated CA")
    return {"cert": str(server_cert), "key": str(server_key), "other": str(other_cert)}


@pytest.fixture
def https_server(certs):  # pylint: disable=redefined-outer-name
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certs["cert"], certs["key"])
    server = ScriptedServer(OK_ANSWER, tls_context=context)
    yield server
    server.close()


def run(args):
    result, raw, code = run_module(module, args)
    assert "Traceback" not in raw and "exception" not in result
    assert TOKEN not in raw and API_KEY not in raw
    return result, code


def args_for(url, **extra):
    args = dict(account_id=ACCOUNT, operation_id=OPERATION, api_token=TOKEN, base_url=url, timeout=5)
    args.update(extra)
    return args


def test_self_signed_certificate_is_refused_by_default_with_a_clear_message(https_server):  # pylint: disable=redefined-outer-name
    result, code = run(args_for(https_server.url))
    assert code == 1
    assert result["msg"].startswith("Reading bulk operation %s in account %s: TLS verification failed for %s ("
                                    % (OPERATION, ACCOUNT, https_server.url))
    assert "certificate verify failed" in result["msg"]
    assert "REQUESTS_CA_BUNDLE" in result["msg"] and "validate_certs=false" in result["msg"]
    assert result["status"] is None
    # Not retried (a certificate does not fix itself), and no request, so no credential, went out.
    assert https_server.connections == 1
    assert https_server.requests == []


def test_validate_certs_false_connects_and_warns(https_server):  # pylint: disable=redefined-outer-name
    result, code = run(args_for(https_server.url, validate_certs=False))
    assert code == 0, result
    assert result["bulk_operation"] == DONE
    assert warnings_of(result) == ["validate_certs is false: the TLS certificate of 127.0.0.1 is not checked."]


def test_requests_ca_bundle_trusts_the_certificate(https_server, certs, monkeypatch):  # pylint: disable=redefined-outer-name
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certs["cert"])
    result, code = run(args_for(https_server.url))
    assert code == 0, result
    assert result["bulk_operation"] == DONE
    assert warnings_of(result) == []
    assert https_server.requests[0].headers["authorization"] == "Bearer " + TOKEN


def test_requests_ca_bundle_of_another_ca_still_refuses(https_server, certs, monkeypatch):  # pylint: disable=redefined-outer-name
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certs["other"])
    result, code = run(args_for(https_server.url))
    assert code == 1
    assert "TLS verification failed" in result["msg"]
    assert https_server.requests == []


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_validate_certs_false_wins_over_a_ca_bundle_in_the_environment(https_server, certs, monkeypatch, variable):  # pylint: disable=redefined-outer-name
    # requests merges REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE into each request over a session-wide
    # verify=False; the client passes verify=False with every request so the option means what it says.
    monkeypatch.setenv(variable, certs["other"])
    result, code = run(args_for(https_server.url, validate_certs=False))
    assert code == 0, result
    assert result["bulk_operation"] == DONE


def test_certificate_for_another_name_is_refused(https_server, certs, monkeypatch):  # pylint: disable=redefined-outer-name
    # The certificate names 127.0.0.1, not localhost: trusting the CA is not enough.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certs["cert"])
    result, code = run(args_for(https_server.url.replace("127.0.0.1", "localhost")))
    assert code == 1
    assert "TLS verification failed" in result["msg"]
    assert https_server.requests == []


def test_tls_failure_with_global_key_leaks_nothing(https_server):  # pylint: disable=redefined-outer-name
    args = args_for(https_server.url, api_email=EMAIL, api_key=API_KEY)
    del args["api_token"]
    result, code = run(args)
    assert code == 1 and "TLS verification failed" in result["msg"]


@pytest.mark.parametrize("base_url", [
    "http://192.0.2.1/client/v4",
    "http://api.cloudflare.com/client/v4",
    "http://10.0.0.1:8080/client/v4",
    "http://[2001:db8::1]/client/v4",
    "http://localhost.example.com/client/v4",
    "http://127.0.0.1.nip.io/client/v4",
    "HTTP://example.com/client/v4",
])
def test_plain_http_to_a_host_that_is_not_loopback_is_refused_before_any_request(base_url, monkeypatch):
    # Any request would go to this proxy: none may.
    proxy = ScriptedServer(http_response(502, b""))
    try:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            monkeypatch.setenv(name, "http://127.0.0.1:%d" % proxy.port)
        result, code = run(args_for(base_url))
    finally:
        proxy.close()
    assert code == 1
    assert result["msg"].startswith("Invalid options: base_url ")
    assert "uses plain http to a host that is not loopback" in result["msg"]
    assert proxy.connections == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.53"])
def test_plain_http_to_loopback_is_allowed_and_goes_direct(host, monkeypatch):
    server = ScriptedServer(OK_ANSWER)
    proxy = ScriptedServer(http_response(502, b""))
    try:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, "http://127.0.0.1:%d" % proxy.port)
        url = server.url.replace("127.0.0.1", host)
        if host in ("[::1]", "127.0.0.53"):
            # The server listens on 127.0.0.1 only: the point is that nothing reaches the proxy.
            result, code = run(args_for(url, timeout=2, max_retries=0))
            assert code == 1 and "could not connect to" in result["msg"]
        else:
            result, code = run(args_for(url))
            assert code == 0, result
    finally:
        server.close()
        proxy.close()
    assert proxy.connections == 0
