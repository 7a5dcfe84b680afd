# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Cloudflare Rules Lists and Rulesets API simulator, as a package (Python standard library only).

- ``common``: constants, error codes, the answer envelope;
- ``settings``: the configurable behaviours, their variants and defaults;
- ``items``: item JSON checks and normalization (how items are stored, what makes two the same);
- ``state``: lists, items, bulk operations;
- ``faults``: injected faults, request counters, the rate limiter;
- ``zones``, ``rulesets`` and ``ruleset_store``: zones, rulesets and rules, their checks and writes;
- ``api``, ``rulesets_api`` and ``admin``: the answers of the Cloudflare API and of ``/__sim/``;
- ``server``: the HTTP server and request handler;
- ``core``: the ``Simulator`` class;
- ``cli``: the command line.

Import it through ``cloudflare_sim`` (one level up), which re-exports the public names.
"""
