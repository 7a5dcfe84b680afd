# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What an HTTP answer, or a failure to get one, means: Cloudflare's ``result`` or a CloudflareError.

The client (client.py) sends and retries; this file reads what came back. Private to the
collection: not a public API.
"""

import email.utils
import json
import math
import time

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.errors import CloudflareError, clean_messages, excerpt


def parse_retry_after(headers, now=None):
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After``, or None.

    ``Retry-After`` may be delta-seconds or an HTTP date (RFC 9110).
    """
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            seconds = float(value) / 1000.0
            # "inf" and "nan" parse as floats but are no number of seconds.
            if math.isfinite(seconds) and seconds >= 0:
                return seconds
        except ValueError:
            pass
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def root_cause(exc):
    """The innermost reason of a requests/urllib3 exception, without URLs or tracebacks."""
    reason = exc
    seen = set()
    while True:
        nxt = getattr(reason, "reason", None)
        # ssl.SSLError.reason is a string ("CERTIFICATE_VERIFY_FAILED"), not an exception.
        if not isinstance(nxt, BaseException):
            nxt = reason.__cause__ or reason.__context__
        if nxt is None or id(nxt) in seen or (nxt.args == () and not str(nxt)):
            break
        seen.add(id(nxt))
        reason = nxt
        if len(seen) > 8:
            break
    text = str(reason)
    # urllib3 wraps socket errors as "<urllib3.connection.HTTPSConnection object at 0x..>: Failed ..."
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return excerpt(text) or type(reason).__name__


def _causes(exc):
    """The names of the exception types in ``exc``'s chain of reasons and causes (at most 8 deep)."""
    names = []
    reason = exc
    while reason is not None and len(names) < 8:
        names.append(type(reason).__name__)
        nxt = getattr(reason, "reason", None)
        if not isinstance(nxt, BaseException):
            # requests wraps urllib3's error as its first argument, and may raise it from another.
            first = reason.args[0] if reason.args and isinstance(reason.args[0], BaseException) else None
            nxt = first or reason.__cause__ or reason.__context__
        reason = nxt
    return names


def never_connected(exc):
    """True when a ConnectionError happened before any byte of the request could leave.

    urllib3 raises NewConnectionError (refused, unreachable) and NameResolutionError (a subclass)
    while opening the socket; a reset or close after that comes as a ProtocolError instead.
    """
    return any(name in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError") for name in _causes(exc))


def read_timed_out(exc):
    """True when a ConnectionError is a read that timed out (requests wraps urllib3's ReadTimeoutError
    met while reading a streamed body as a ConnectionError, not as a Timeout)."""
    return any(name in ("ReadTimeoutError", "TimeoutError", "timeout") for name in _causes(exc))


def unwrap(response, body, with_info=False, null_ok=False):
    """Turn an HTTP answer into ``result`` or a CloudflareError.

    ``null_ok``: a successful answer whose ``result`` is null (a phase's missing entry point, say) gives None.
    """
    status = response.status_code
    retry_after = parse_retry_after(response.headers)
    content_type = response.headers.get("Content-Type", "")
    try:
        envelope = json.loads(body.decode("utf-8")) if body else None
    except RecursionError:
        raise CloudflareError("Cloudflare answered with JSON nested too deeply to be its response envelope: %s"
                              % excerpt(body[:400]), status=status, retry_after=retry_after)
    except (UnicodeDecodeError, ValueError):
        html = "html" in content_type.lower() or body.lstrip()[:1] == b"<"
        what = "an HTML page instead of JSON" if html else "a body that is not valid JSON"
        # A 2xx whose JSON does not parse was cut short on the way: worth
        # another try. Error statuses are judged by their status instead.
        raise CloudflareError(
            "Cloudflare answered with %s: %s" % (what, excerpt(body[:400]) or "(empty)"),
            status=status, retry_after=retry_after, transient=status < 300)
    if not isinstance(envelope, dict):
        raise CloudflareError("Cloudflare answered with JSON that is not its response envelope: %s" % excerpt(body[:400]),
                              status=status, retry_after=retry_after)
    errors = clean_messages(envelope.get("errors"))
    messages = clean_messages(envelope.get("messages"))
    if status >= 400:
        raise CloudflareError("Cloudflare refused the request", status=status, errors=errors,
                              messages=messages, retry_after=retry_after)
    if status >= 300:
        raise CloudflareError("unexpected redirect to %s" % excerpt(response.headers.get("Location", "")), status=status)
    if status < 200:
        # An informational status is never a final answer to a GET.
        raise CloudflareError("unexpected informational answer", status=status)
    if envelope.get("success") is not True:
        raise CloudflareError("Cloudflare answered success=%s" % excerpt(envelope.get("success"), 40),
                              status=status, errors=errors, messages=messages)
    if envelope.get("result") is None and not (null_ok and not with_info):
        raise CloudflareError("Cloudflare's answer has no result", status=status, errors=errors, messages=messages)
    if with_info:
        info = envelope.get("result_info")
        return envelope["result"], info if isinstance(info, dict) else {}
    return envelope["result"]
