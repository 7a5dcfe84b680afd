# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one failure shape of this collection, and how its texts are kept short and free of secrets.

CloudflareError carries the HTTP status, Cloudflare's ``errors`` and
``messages``, and a description; the client raises nothing else, and modules
turn it into one failure message. Private to the collection: not a public API.
"""

import json

# How much of an unexpected body an error message may quote.
EXCERPT_CHARS = 200

# How many of Cloudflare's errors, and how deep an error_chain, a message shows:
# whatever the answer holds, a failure message stays a few hundred characters.
MAX_ERRORS_SHOWN = 5
MAX_CHAIN_DEPTH = 3
SUMMARY_CHARS = 1000


class CloudflareError(Exception):
    """One failure shape for everything that can go wrong talking to Cloudflare.

    ``status`` is the HTTP status (None when no answer came), ``errors`` and
    ``messages`` are Cloudflare's lists of ``{"code", "message"}``, and
    ``description`` says in words what happened.
    """

    def __init__(self, description, status=None, errors=None, messages=None, retry_after=None, transient=False):
        self.description = description
        # True for failures that say nothing about the request itself (a reset
        # connection, a timeout, a truncated body): worth another try.
        self.transient = transient
        self.status = status
        self.errors = list(errors or [])
        self.messages = list(messages or [])
        self.retry_after = retry_after
        # False only when the request never left (the connection could not be made).
        self.sent = True
        # True for a write whose failure leaves unknown whether Cloudflare applied it: the
        # caller must read the state again before deciding to send anything more.
        self.outcome_unknown = False
        # Why the client stopped here (no retry left, the deadline, a long
        # Retry-After): shown after Cloudflare's own errors too.
        self.notes = []
        super().__init__(self.summary())

    def note(self, text):
        """Add why the client gave up on this error to its description and summary."""
        self.notes.append(text)
        self.description += "; " + text
        self.args = (self.summary(),)

    def codes(self):
        """Cloudflare's error codes that are numbers or strings; anything else an answer holds is not a code."""
        return [e["code"] for e in self.errors
                if isinstance(e, dict) and isinstance(e.get("code"), (int, str)) and not isinstance(e["code"], bool)]

    def summary(self):
        """``HTTP 403: Authentication error (10000)`` or the description."""
        parts = [_format_cf_error(e) for e in self.errors[:MAX_ERRORS_SHOWN]]
        parts = [p for p in parts if p]
        if parts and len(self.errors) > MAX_ERRORS_SHOWN:
            parts.append("and %d more" % (len(self.errors) - MAX_ERRORS_SHOWN))
        if parts:
            text = "; ".join([excerpt("; ".join(parts), SUMMARY_CHARS)] + self.notes)
        else:
            text = self.description
        if self.status is not None:
            return "HTTP %s: %s" % (self.status, text)
        return text

    def to_result(self):
        """The keys a failed task returns about this error."""
        return {"status": self.status, "errors": self.errors, "messages": self.messages}


# The token permissions that lists calls need: (to read, to change).
LISTS_PERMISSIONS = ("Account Filter Lists Read", "Account Filter Lists Edit")


def explain(err, doing, write=False, permissions=LISTS_PERMISSIONS, holder="this account"):
    """``<what was being done>: <what Cloudflare said>. <what to try>``: the one failure message shape.

    ``permissions`` is the pair (to read, to change) of token permissions the call needs, and ``write`` picks
    the second; either may be a tuple of permissions any one of which will do. ``holder`` is what the token
    needs it for (``this account``, ``zone example.com``).
    """
    codes = set(err.codes())
    permission = _named(permissions[1] if write else permissions[0])
    if err.status in (400, 403) and 9103 in codes:
        return ("%s: %s. Check api_email and api_key (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY); a scoped "
                "API token with %s is the safer choice." % (doing, err.summary(), permission))
    if err.status in (400, 403) and codes & {9106, 6003, 10000}:
        return ("%s: %s. Check the credentials: an API token needs the %s "
                "permission for %s." % (doing, err.summary(), permission, holder))
    if err.status == 429:
        return ("%s: %s. Cloudflare's rate limit (1,200 requests per 5 minutes, shared by every tool using "
                "these credentials) is exhausted; try again later or poll less often." % (doing, err.summary()))
    return "%s: %s" % (doing, err.summary())


def _named(permission):
    """``'A'``, or ``'A' (or 'B', or 'C')`` for a tuple of permissions any one of which will do."""
    if isinstance(permission, str):
        return "'%s'" % permission
    first, others = permission[0], permission[1:]
    return "'%s' (or %s)" % (first, ", or ".join("'%s'" % other for other in others)) if others else "'%s'" % first


def _format_cf_error(error, depth=0):
    """``message (code)``, with its error_chain; every piece is cut short, the chain kept shallow."""
    if not isinstance(error, dict):
        return excerpt(error)
    message = excerpt(error.get("message") or "")
    code = error.get("code")
    code = excerpt(code, 40) if code is not None else None
    chain = error.get("error_chain")
    if isinstance(chain, list) and chain and depth < MAX_CHAIN_DEPTH:
        shown = [_format_cf_error(c, depth + 1) for c in chain[:MAX_ERRORS_SHOWN]]
        if len(chain) > MAX_ERRORS_SHOWN:
            shown.append("and %d more" % (len(chain) - MAX_ERRORS_SHOWN))
        message = "%s [%s]" % (message, "; ".join(shown))
    if code is not None:
        return "%s (%s)" % (message, code) if message else "error %s" % code
    return message


def excerpt(body, limit=None):
    """A short, printable excerpt of an unexpected body, safe to show."""
    limit = EXCERPT_CHARS if limit is None else limit
    if isinstance(body, bytes):
        body = body[:limit * 4].decode("utf-8", "replace")
    elif not isinstance(body, str):
        try:
            body = json.dumps(body)
        except (RecursionError, TypeError, ValueError):
            body = "(%s)" % type(body).__name__
    # Look at a bounded prefix only: a huge value costs no more than a small one.
    text = " ".join(body[:limit * 4].split())
    if len(text) > limit or len(body) > limit * 4:
        text = text[:limit] + "..."
    return text


def clean_messages(items):
    """Cloudflare's errors/messages lists, keeping only well-formed entries."""
    if not isinstance(items, list):
        return []
    cleaned = []
    for item in items:
        if isinstance(item, dict):
            cleaned.append(item)
        elif isinstance(item, str):
            cleaned.append({"message": item})
    return cleaned


SECRET_HEADERS = ("authorization", "x-auth-key")
REDACTED = "********"


def secrets_in(headers):
    """The credential values among request headers, longest first (a token and its ``Bearer`` line)."""
    secrets = set()
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS and value:
            secrets.add(value)
            scheme, _sep, credential = value.partition(" ")
            if scheme.lower() == "bearer" and credential.strip():
                secrets.add(credential.strip())
    return sorted(secrets, key=len, reverse=True)


def _scrub(value, secrets):
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    if isinstance(value, dict):
        return dict((_scrub(k, secrets), _scrub(v, secrets)) for k, v in value.items())
    return value


def redact(err, secrets):
    """Replace every credential in ``err``'s texts, in place."""
    if not secrets:
        return
    err.description = _scrub(err.description, secrets)
    err.notes = _scrub(err.notes, secrets)
    try:
        err.errors = _scrub(err.errors, secrets)
        err.messages = _scrub(err.messages, secrets)
    except RecursionError:
        # Too deep to walk; only their summary is safe to keep.
        err.errors, err.messages = [], []
    err.args = (err.summary(),)
