# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The option checks, and the promise that each shared spec and its doc fragment agree."""

import os

import pytest
import yaml

from ansible_collections.netedge.cloudflare.plugins.doc_fragments import account as account_doc
from ansible_collections.netedge.cloudflare.plugins.doc_fragments import api as api_doc
from ansible_collections.netedge.cloudflare.plugins.doc_fragments import ruleset as ruleset_doc
from ansible_collections.netedge.cloudflare.plugins.doc_fragments import wait as wait_doc
from ansible_collections.netedge.cloudflare.plugins.module_utils import _options
from ansible_collections.netedge.cloudflare.plugins.module_utils._rulesets.rules import RULESET_SPEC
from ansible_collections.netedge.cloudflare.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.netedge.cloudflare.tests.unit.plugins.helpers import API_KEY, EMAIL, TOKEN

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def params(**overrides):
    base = dict(api_token=TOKEN, api_email=None, api_key=None, base_url=_options.DEFAULT_BASE_URL,
                validate_certs=True, timeout=30.0, max_retries=3, rate_budget=600, wait=False, wait_timeout=300.0, wait_sleep=5.0)
    base.update(overrides)
    return base


@pytest.mark.parametrize("spec, fragment", [
    (_options.ACCOUNT_SPEC, account_doc),
    (_options.API_SPEC, api_doc),
    (_options.WAIT_SPEC, wait_doc),
    (RULESET_SPEC, ruleset_doc),
])
def test_each_spec_matches_its_doc_fragment(spec, fragment):
    documented = yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"]
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert bool(doc.get("required")) == bool(option.get("required")), name
        for env in (option.get("fallback") or (None, []))[1]:
            assert "E(%s)" % env in " ".join(doc["description"]), (name, env)


def test_secrets_are_no_log():
    assert _options.API_SPEC["api_token"]["no_log"] is True
    assert _options.API_SPEC["api_key"]["no_log"] is True


def test_collection_version_matches_galaxy_yml():
    with open(os.path.join(COLLECTION_ROOT, "galaxy.yml")) as handle:
        assert yaml.safe_load(handle)["version"] == COLLECTION_VERSION


@pytest.mark.parametrize("overrides", [
    dict(),
    dict(api_token=None, api_email=EMAIL, api_key=API_KEY),
    dict(api_token="", api_email=EMAIL, api_key=API_KEY),
    dict(base_url="https://api.cloudflare.com/client/v4/"),
    dict(base_url="http://127.0.0.1:8080/client/v4"),
    dict(base_url="http://127.3.4.5/client/v4"),
    dict(base_url="http://[::1]:8080/client/v4"),
    dict(base_url="http://localhost:1/x"),
    dict(base_url="https://10.0.0.5/client/v4"),
    dict(timeout=300.0, max_retries=0),
    dict(max_retries=10, timeout=0.1),
    dict(rate_budget=20),
    dict(rate_budget=1200),
])
def test_accepted(overrides):
    assert _options.check_api_params(params(**overrides)) == []


@pytest.mark.parametrize("overrides, expected", [
    (dict(api_token=None), "No Cloudflare credentials were given. Set either api_token (env CLOUDFLARE_API_TOKEN)"),
    (dict(api_token=""), "No Cloudflare credentials were given."),
    (dict(api_email=EMAIL), "Both an API token and a global API key/email are set"),
    (dict(api_key=API_KEY), "Both an API token and a global API key/email are set"),
    (dict(api_token=None, api_email=EMAIL), "api_email and api_key are required together; api_key is missing."),
    (dict(api_token=None, api_key=API_KEY), "api_email and api_key are required together; api_email is missing."),
    (dict(api_token=TOKEN + "\n"), "api_token contains spaces or characters that are not allowed in an HTTP header"),
    (dict(api_token=None, api_email=EMAIL, api_key="a b"), "api_key contains spaces"),
    (dict(base_url="http://api.cloudflare.com/client/v4"), "uses plain http to a host that is not loopback"),
    (dict(base_url="http://10.1.2.3/client/v4"), "uses plain http to a host that is not loopback"),
    (dict(base_url="http://127.0.0.1.example.com/"), "uses plain http to a host that is not loopback"),
    (dict(base_url="ftp://127.0.0.1/"), "must be an http(s) URL with a host"),
    (dict(base_url="api.cloudflare.com"), "must be an http(s) URL with a host"),
    (dict(base_url=""), "must be an http(s) URL with a host"),
    (dict(base_url="https://user:pw@api.cloudflare.com/"), "must not contain a user name or password"),
    (dict(base_url="https://api.cloudflare.com/client/v4?x=1"), "must not have a query string"),
    (dict(base_url="https://api.cloudflare.com:99999/"), "is not a valid URL"),
    (dict(base_url="https://[::1/"), "is not a valid URL"),
    (dict(timeout=0.0), "timeout must be more than 0 and at most 300 seconds."),
    (dict(timeout=301.0), "timeout must be more than 0 and at most 300 seconds."),
    (dict(max_retries=-1), "max_retries must be between 0 and 10."),
    (dict(max_retries=11), "max_retries must be between 0 and 10."),
    (dict(rate_budget=19), "rate_budget must be between 20 and 1200 requests per 5 minutes"),
    (dict(rate_budget=1201), "rate_budget must be between 20 and 1200 requests per 5 minutes"),
])
def test_refused_with_a_clear_message(overrides, expected):
    problems = _options.check_api_params(params(**overrides))
    assert len(problems) == 1
    assert expected in problems[0]
    assert TOKEN not in problems[0] and API_KEY not in problems[0]


@pytest.mark.parametrize("overrides, expected", [
    (dict(wait_timeout=-1.0), ["wait_timeout must be 0 or more seconds."]),
    (dict(wait_sleep=0.1), ["wait_sleep must be between 0.5 and 300 seconds; below 0.5 s a wait would spend "
                            "Cloudflare's rate budget faster than two requests a second."]),
    (dict(wait_sleep=301.0), ["wait_sleep must be between 0.5 and 300 seconds; below 0.5 s a wait would spend "
                              "Cloudflare's rate budget faster than two requests a second."]),
    (dict(wait_timeout=0.0, wait_sleep=0.5), []),
])
def test_wait_checks(overrides, expected):
    assert _options.check_wait_params(params(**overrides)) == expected


@pytest.mark.parametrize("value, ok", [
    ("0123456789abcdef0123456789abcdef", True),
    ("0123456789ABCDEF0123456789ABCDEF", True),
    ("0123456789abcdef0123456789abcde", False),
    ("0123456789abcdef0123456789abcdef0", False),
    ("0123456789abcdef0123456789abcdeg", False),
    ("../../../../user/tokens/verify/xx", False),
    ("0123456789abcdef0123456789abcdef\n", False),
    ("", False),
])
def test_account_id(value, ok):
    problems = _options.check_account_id(value)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].startswith("account_id must be the 32-character hexadecimal account ID")
        assert "(got %d characters" % len(value) in problems[0]


@pytest.mark.parametrize("value, ok", [
    ("4da8780eeb215e6cb7f48dd981c4ea02", True),
    ("op_1-A", True),
    ("a" * 128, True),
    ("a" * 129, False),
    ("", False),
    ("../lists", False),
    ("abc/def", False),
    ("abc%2F..", False),
    ("abc?x=1", False),
    ("abc#x", False),
    ("abc def", False),
    ("abc.", False),
    ("abc\n", False),
])
def test_operation_id(value, ok):
    assert (_options.check_operation_id(value) == []) is ok


def test_auth_headers():
    assert _options.auth_headers(params()) == {"Authorization": "Bearer " + TOKEN}
    assert _options.auth_headers(params(api_token=None, api_email=EMAIL, api_key=API_KEY)) == {
        "X-Auth-Email": EMAIL, "X-Auth-Key": API_KEY}
