# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:
    # Documents plugins/module_utils/_options.py API_SPEC; a unit test keeps the two in step.
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - "Cloudflare API token, sent as C(Authorization: Bearer <token>)."
      - Reading lists and bulk operations needs the C(Account Filter Lists Read) permission;
        changing lists needs C(Account Filter Lists Edit).
      - If not set, the environment variable E(CLOUDFLARE_API_TOKEN) is used, then E(CLOUDFLARE_TOKEN).
      - Exactly one of O(api_token), or O(api_email) together with O(api_key), must be set.
    type: str
  api_email:
    description:
      - Email address of the Cloudflare user, for the legacy global API key. Requires O(api_key).
      - If not set, the environment variable E(CLOUDFLARE_EMAIL) is used.
    type: str
  api_key:
    description:
      - Legacy global API key, sent with O(api_email). Prefer a scoped O(api_token).
      - If not set, the environment variable E(CLOUDFLARE_API_KEY) is used.
    type: str
  base_url:
    description:
      - Base URL of the Cloudflare API.
      - Credentials are only sent over C(https), or over plain C(http) to a loopback host
        (C(127.0.0.0/8), C(::1), C(localhost)), for example a local test server.
        Any other C(http://) URL is refused before a request is made.
      - If not set, the environment variable E(CLOUDFLARE_BASE_URL) is used, then the default.
    type: str
    default: https://api.cloudflare.com/client/v4
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(base_url).
      - The CA bundle can be changed with the environment variable E(REQUESTS_CA_BUNDLE).
      - Set to V(false) only for a trusted test endpoint.
    type: bool
    default: true
  timeout:
    description:
      - Seconds one attempt of a request may take, from the name lookup to the last byte of the answer
        (more than 0, at most 300). Connecting gets at most 10 of these seconds.
      - A status read is answered in milliseconds, so 30 seconds only runs out on a broken path.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried after a connection error, a timeout, a truncated answer,
        or HTTP 429, 500, 502, 503 or 504 (0 to 10).
      - A change (a write) is retried only after HTTP 429 or a connection that could not be made, when nothing can have
        been done. Any other failure after it was sent is not retried blindly; a module that changes lists reads
        the list again first, so a change is never made twice.
      - Retries wait for Cloudflare's C(Retry-After) or C(retry-after-ms) when it sends one (up to 60 seconds;
        a longer ask fails at once), otherwise 0.5, 1, 2, 4, 8, 8... seconds with random jitter of up to half.
      - "The worst case for one request is therefore (O(max_retries) + 1) x O(timeout) + O(max_retries) x 60
        seconds: with the defaults, 120 seconds of timeouts plus at most 180 seconds of waits (3.5 to 7.5 seconds
        without C(Retry-After))."
    type: int
    default: 3
  rate_budget:
    description:
      - The most requests this task sends in any 5 minutes (20 to 1200). Cloudflare allows 1,200 requests per 5 minutes
        per user or token, shared by every tool that uses it, and answers HTTP 429 to everything for up to 5 minutes past that.
      - A task sends as fast as answers come until it has sent O(rate_budget) requests in the last 5 minutes; then
        each further request waits until the one O(rate_budget) before it is 5 minutes old. A task that needs no more
        than O(rate_budget) requests (status checks, waits, a sync of a list of up to about 290,000 items with the
        default) is never slowed; reading a list of 500,000 items (about 1,000 requests) takes a little over 5 minutes.
      - A request that could go only after the wait deadline is not sent, and the task says so.
      - The default is half of Cloudflare's budget, leaving the other half to other tools on the same token.
        With several tasks at once on one token (forks, parallel pipelines), give each a share so that the shares add
        up to less than 1,200. Raise it for a token that nothing else uses.
    type: int
    default: 600
"""
