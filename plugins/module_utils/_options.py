# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared option sets, declared once, and the checks run on them before any request.

Each spec here is documented by the doc fragment of the same name in
plugins/doc_fragments/ (``ACCOUNT_SPEC`` by ``account.py``, ``API_SPEC``
by ``api.py``, ``WAIT_SPEC`` by ``wait.py``); a unit test keeps each pair in step. The check functions are
pure: they take the parameters and return a list of human-readable problems,
and they never repeat a secret or the value that was refused.
"""

import ipaddress
import re

from ansible.module_utils.basic import env_fallback
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"

# Every Rules Lists call is made in one account.
ACCOUNT_SPEC = dict(
    account_id=dict(type="str", required=True, fallback=(env_fallback, ["CLOUDFLARE_ACCOUNT_ID"])),
)

API_SPEC = dict(
    api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_TOKEN"])),
    api_email=dict(type="str", fallback=(env_fallback, ["CLOUDFLARE_EMAIL"])),
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["CLOUDFLARE_API_KEY"])),
    base_url=dict(type="str", default=DEFAULT_BASE_URL, fallback=(env_fallback, ["CLOUDFLARE_BASE_URL"])),
    validate_certs=dict(type="bool", default=True),
    # 30 s: a status read is answered in milliseconds, so 30 s only passes
    # on a sick path; it is half of Cloudflare's SDK default (60 s), which is
    # sized for large uploads this collection's reads never make.
    timeout=dict(type="float", default=30.0),
    # 3: one more than Cloudflare's SDKs (2). A poll is a cheap idempotent
    # GET, and in an unattended pipeline a failed run costs more than a retry.
    max_retries=dict(type="int", default=3),
    # 600: half of Cloudflare's 1,200 requests per 5 minutes, which every tool on the token shares
    # (see _api/pacer.py for how a task spends it).
    rate_budget=dict(type="int", default=600),
)

WAIT_SPEC = dict(
    wait=dict(type="bool", default=False),
    # 300 s: Cloudflare applies one bulk operation per account at a time, so
    # a change can queue behind others; minutes is the usual order, and the
    # older Cloudflare Go client gave up after about 510 s.
    wait_timeout=dict(type="float", default=300.0),
    # 5 s: the longest pause once a wait is long; short waits pause less (see
    # _waiter.next_pause). kubernetes.core uses the same default.
    wait_sleep=dict(type="float", default=5.0),
)

# Bounds that keep a run finite and the rate budget safe.
MAX_TIMEOUT = 300.0
MAX_RETRIES = 10
# A budget below 20 requests per 5 minutes could not even read a small list and wait on one change
# in reasonable time; above Cloudflare's own 1,200 pacing would be no protection.
MIN_RATE_BUDGET = 20
MAX_RATE_BUDGET = 1200
MIN_WAIT_SLEEP = 0.5
MAX_WAIT_SLEEP = 300.0

ACCOUNT_ID_RE = re.compile(r"[0-9a-fA-F]{32}")
# Only characters that cannot change the request path: no '/', '.', '%', '?' or '#'.
OPERATION_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
# What an HTTP header value may carry; anything else would be refused by
# requests with a message that quotes the secret.
HEADER_SAFE_RE = re.compile(r"[\x21-\x7e]+")
LOOPBACK_NAMES = ("localhost",)

AUTH_HELP = ("Set either api_token (env CLOUDFLARE_API_TOKEN), or api_email together with api_key "
             "(env CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY).")


def _is_set(value):
    return value is not None and value != ""


def check_auth(params):
    """Exactly one auth mode: a token, or an email together with a key."""
    token = _is_set(params.get("api_token"))
    email = _is_set(params.get("api_email"))
    key = _is_set(params.get("api_key"))
    if token and (email or key):
        return ["Both an API token and a global API key/email are set (from the task or the environment); "
                "use one. " + AUTH_HELP]
    if not token and not (email or key):
        return ["No Cloudflare credentials were given. " + AUTH_HELP]
    if not token and not (email and key):
        missing = "api_key" if email else "api_email"
        return ["api_email and api_key are required together; %s is missing. %s" % (missing, AUTH_HELP)]
    problems = []
    for name in ("api_token", "api_key"):
        if _is_set(params.get(name)) and not HEADER_SAFE_RE.fullmatch(params[name]):
            problems.append("%s contains spaces or characters that are not allowed in an HTTP header; "
                            "check for a stray newline or quote." % name)
    if email and not HEADER_SAFE_RE.fullmatch(params["api_email"]):
        problems.append("api_email contains spaces or characters that are not allowed in an HTTP header.")
    return problems


def is_loopback_host(host):
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url):
    """https anywhere; plain http only to a loopback host, so secrets never cross a network in clear."""
    shown = base_url if len(base_url) <= 100 else base_url[:100] + "..."
    # urlsplit drops tabs and newlines that requests keeps: what is checked here must be the
    # very string requests connects to.
    if any(char.isspace() or not char.isprintable() for char in base_url):
        return ["base_url %r must not contain spaces or control characters." % shown]
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return ["base_url %r is not a valid URL." % shown]
    if parts.scheme not in ("http", "https") or not host:
        return ["base_url %r must be an http(s) URL with a host, for example %s." % (shown, DEFAULT_BASE_URL)]
    if parts.username is not None or parts.password is not None:
        return ["base_url must not contain a user name or password; pass credentials with api_token or api_key."]
    if parts.query or parts.fragment:
        return ["base_url %r must not have a query string or fragment." % shown]
    if parts.scheme == "http" and not is_loopback_host(host):
        return ["base_url %r uses plain http to a host that is not loopback; credentials are only sent "
                "over https, or over http to 127.0.0.1, ::1 or localhost." % shown]
    return []


def check_api_params(params):
    problems = check_auth(params)
    problems += check_base_url(params.get("base_url") or "")
    if not 0 < params["timeout"] <= MAX_TIMEOUT:
        problems.append("timeout must be more than 0 and at most %d seconds." % MAX_TIMEOUT)
    if not 0 <= params["max_retries"] <= MAX_RETRIES:
        problems.append("max_retries must be between 0 and %d." % MAX_RETRIES)
    if not MIN_RATE_BUDGET <= params["rate_budget"] <= MAX_RATE_BUDGET:
        problems.append("rate_budget must be between %d and %d requests per 5 minutes (Cloudflare allows %d per token)."
                        % (MIN_RATE_BUDGET, MAX_RATE_BUDGET, MAX_RATE_BUDGET))
    return problems


def check_wait_params(params):
    problems = []
    if params["wait_timeout"] < 0:
        problems.append("wait_timeout must be 0 or more seconds.")
    if not MIN_WAIT_SLEEP <= params["wait_sleep"] <= MAX_WAIT_SLEEP:
        problems.append("wait_sleep must be between %s and %d seconds; below %s s a wait would spend Cloudflare's "
                        "rate budget faster than two requests a second." % (MIN_WAIT_SLEEP, MAX_WAIT_SLEEP, MIN_WAIT_SLEEP))
    return problems


def check_account_id(value):
    if ACCOUNT_ID_RE.fullmatch(value or ""):
        return []
    return ["account_id must be the 32-character hexadecimal account ID shown in the Cloudflare dashboard "
            "(got %d characters%s)." % (len(value or ""), "" if re.fullmatch(r"[0-9a-fA-F]*", value or "") else ", not all hexadecimal")]


def check_operation_id(value):
    if OPERATION_ID_RE.fullmatch(value or ""):
        return []
    return ["operation_id must be the operation_id that Cloudflare returned for a list change: 1 to 128 letters, "
            "digits, '_' or '-' (got %d characters)." % len(value or "")]


# Cloudflare's rules for a list name: lower-case letters, digits and underscores, 1 to 50 of them.
LIST_NAME_RE = re.compile(r"[a-z0-9_]{1,50}")
# List ids are 32 hexadecimal characters; nothing else may reach the request path.
LIST_ID_RE = re.compile(r"[0-9a-fA-F]{32}")


def check_list_name(value, option="name"):
    if value is None or LIST_NAME_RE.fullmatch(value):
        return []
    return ["%s must be 1 to 50 lower-case letters, digits or underscores, as Cloudflare requires (got %d characters%s)."
            % (option, len(value), "" if re.fullmatch(r"[a-z0-9_]*", value) else ", with other characters")]


def check_list_id(value, option="list_id"):
    if value is None or LIST_ID_RE.fullmatch(value):
        return []
    return ["%s must be the 32-character hexadecimal id of a list (got %d characters)." % (option, len(value))]


def auth_headers(params):
    if _is_set(params.get("api_token")):
        return {"Authorization": "Bearer " + params["api_token"]}
    return {"X-Auth-Email": params["api_email"], "X-Auth-Key": params["api_key"]}
