# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module of the collection does the same way with AnsibleModule:
build it from the shared specs, refuse bad input before any request, and
build the one client. Private to the collection: not a public API.
"""

from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, missing_required_lib, remove_values

from ansible_collections.netedge.cloudflare.plugins.module_utils._api import client as _client
from ansible_collections.netedge.cloudflare.plugins.module_utils._options import (
    ACCOUNT_SPEC,
    API_SPEC,
    WAIT_SPEC,
    auth_headers,
    check_api_params,
    check_wait_params,
    check_account_id,
    is_loopback_host,
)


class _CloudflareModule(AnsibleModule):
    """An AnsibleModule whose log lines survive a NUL character in an option.

    syslog refuses a message with a NUL character, and AnsibleModule then fails the task
    while logging its invocation, before any check of this collection has run (with a
    traceback before ansible-core 2.19). Escaped in the log line, such a value reaches the
    option checks, which refuse it like any other bad value.
    """

    def log(self, msg, log_args=None):
        if isinstance(msg, str):
            msg = msg.replace("\x00", "\\x00")
        if log_args:
            log_args = dict((name, value.replace("\x00", "\\x00") if isinstance(value, str) else value)
                            for name, value in log_args.items())
        return super().log(msg, log_args=log_args)


def cloudflare_module(argument_spec, checks=(), wait=False, wait_default=False):
    """An AnsibleModule with the shared options (account, API, and wait if asked), whose parameters passed every check.

    ``checks`` are functions of the parameters that return a list of problems.
    All problems are reported together, before any request is made. ``wait_default``
    is the default of ``wait``: false for a module that reads, true for one whose
    change is only done once Cloudflare has applied it.
    """
    spec = dict(ACCOUNT_SPEC)
    spec.update(API_SPEC)
    if wait:
        spec.update(WAIT_SPEC)
        spec["wait"] = dict(WAIT_SPEC["wait"], default=wait_default)
    spec.update(argument_spec)
    module = _CloudflareModule(argument_spec=spec, supports_check_mode=True)
    _mask_warnings(module)
    if not _client.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=str(_client.REQUESTS_IMPORT_ERROR))
    problems = check_account_id(module.params["account_id"])
    problems += check_api_params(module.params)
    if wait:
        problems += check_wait_params(module.params)
    for check in checks:
        problems += check(module.params)
    if problems:
        module.fail_json(msg="Invalid options: " + " ".join(problems))
    return module


def _mask_warnings(module):
    """Mask no_log values (the token, the key) in this module's warnings, as in its results.

    Since ansible-core 2.19 a warning is kept as an object that the masking of a module's
    result does not reach, and a warning may quote what Cloudflare answered.
    """
    plain_warn = module.warn

    def warn(warning, *args, **kwargs):
        return plain_warn(remove_values(warning, module.no_log_values), *args, **kwargs)

    module.warn = warn


def client_for(module):
    """The one client for this module run, from the shared options."""
    params = module.params
    host = urlsplit(params["base_url"]).hostname or ""
    if not params["validate_certs"]:
        module.warn("validate_certs is false: the TLS certificate of %s is not checked." % host)
        try:
            import urllib3  # pylint: disable=import-outside-toplevel
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        except ImportError:  # pragma: no cover - requests always brings urllib3
            pass
    return _client.CloudflareClient(
        params["base_url"],
        auth_headers(params),
        timeout=params["timeout"],
        max_retries=params["max_retries"],
        validate_certs=params["validate_certs"],
        bypass_proxies=is_loopback_host(host),
        rate_budget=params["rate_budget"],
    )
