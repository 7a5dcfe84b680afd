# -*- coding: utf-8 -*-
# Copyright (c) netedge.cloudflare contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cloudflare_list_items' run against the simulator on 127.0.0.1: plan, apply, wait, recover.

The client and the simulator share one fake clock, so bulk operations progress only when the
client sleeps, and no test waits for real.
"""

import pytest

from ansible_collections.netedge.cloudflare.plugins.module_utils._api.client import CloudflareClient
from ansible_collections.netedge.cloudflare.plugins.module_utils._lists.list_items import ItemsTask, infer_kind, invocation_of

WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture
def sim_options():
    """Bulk operations take 1 s of the fake clock: the task polls them."""
    return {"op_duration": 1.0}


class Runner:
    def __init__(self, sim, clock):
        self.sim = sim
        self.clock = clock
        self.warnings = []

    def client(self):
        return CloudflareClient(self.sim.url, {"Authorization": "Bearer " + self.sim.api_token}, clock=self.clock,
                                sleep=self.clock.sleep, rand=lambda: 0.5, bypass_proxies=True)

    def __call__(self, items, state="exact", check_mode=False, diff=False, **params):
        args = dict(account_id=self.sim.account_id, list_name="blocked", list_id=None, items=items, state=state,
                    wait=True, wait_timeout=300.0, wait_sleep=5.0, max_removals=None, allow_empty=False,
                    max_reported_items=1000)
        args.update(params)
        client = self.client()
        try:
            return ItemsTask(client, args, check_mode, diff, self.warnings.append).run()
        finally:
            client.close()

    def held(self, list_name="blocked"):
        lst = [found for found in self.sim.get_lists() if found["name"] == list_name][0]
        return self.sim.get_items(lst["id"])

    def values(self, kind="ip", list_name="blocked"):
        return sorted(str(item[kind]) for item in self.held(list_name))

    def writes(self):
        counters = self.sim.get_counters()["requests"]
        return sum(count for request, count in counters.items() if request.split(" ")[0] in WRITES)


@pytest.fixture
def run(sim, clock):
    return Runner(sim, clock)


def seed(sim, values, kind="ip", name="blocked"):
    field = {"hostname": lambda v: {"url_hostname": v}}.get(kind, lambda v: v)
    return sim.create_list(name, kind, items=[{kind: field(value)} for value in values])


# --- the plan, carried out --------------------------------------------------------------------

def test_exact_adds_and_removes_in_two_waited_steps_and_keeps_ids(sim, run):
    lst = seed(sim, ["192.0.2.1", "192.0.2.9"])
    kept_id = [item["id"] for item in run.held() if item["ip"] == "192.0.2.1"][0]
    failure, result = run(["192.0.2.1", "192.0.2.2"])
    assert failure is None
    assert result["changed"] is True and result["steps"] == ["append 1 item(s)", "delete 1 item(s)"]
    assert result["counts"] == {"added": 1, "removed": 1, "updated": 0, "unchanged": 1}
    assert [op["status"] for op in result["bulk_operations"]] == ["completed", "completed"]
    assert len(result["operation_ids"]) == 2
    assert result["list"] == {"id": lst["id"], "name": "blocked", "kind": "ip", "num_items": 2}
    assert run.values() == ["192.0.2.1", "192.0.2.2"]
    assert [item["id"] for item in run.held() if item["ip"] == "192.0.2.1"] == [kept_id]


def test_second_run_changes_nothing_and_costs_one_lookup_and_one_page(sim, run):
    seed(sim, [])
    assert run(["192.0.2.1", "2001:DB8::1", "198.51.100.0/24"])[1]["changed"] is True
    sim.reset_counters()
    failure, result = run(["192.0.2.1/32", "2001:db8::1", "198.51.100.0/24"])
    assert failure is None and result["changed"] is False and result["operation_ids"] == []
    assert sim.get_counters()["total"] == 2


def test_check_mode_reports_the_plan_and_sends_no_write(sim, run):
    seed(sim, ["192.0.2.9"])
    failure, result = run(["192.0.2.1"], check_mode=True, diff=True)
    assert failure is None and result["changed"] is True
    assert result["steps"] == ["replace all items with 1 item(s)"]
    assert "+ 192.0.2.1" in result["diff"]["prepared"] and "- 192.0.2.9" in result["diff"]["prepared"]
    assert run.writes() == 0 and run.values() == ["192.0.2.9"]


def test_missing_list_fails_naming_it(sim, run):
    failure, _result = run(["192.0.2.1"], list_name="nope")
    assert "No list 'nope'" in failure and "cloudflare_list" in failure


def test_items_of_another_kind_fail_before_any_write(sim, run):
    seed(sim, [], kind="asn", name="asns")
    failure, _result = run(["192.0.2.1"], list_name="asns")
    assert "kind is 'asn'" in failure and "items[0]" in failure
    assert run.writes() == 0


def test_the_removal_guard_stops_before_any_write(sim, run):
    seed(sim, ["10.0.0.%d" % i for i in range(1, 41)])
    failure, result = run(["10.0.0.1"])
    assert "would remove 39 item(s)" in failure and result["changed"] is False
    assert run.writes() == 0
    failure, _result = run([])
    assert "allow_empty" in failure
    failure, result = run([], allow_empty=True, max_removals=-1)
    assert failure is None and result["steps"] == ["replace all items with 0 item(s)"] and run.values() == []


def test_wait_false_returns_the_last_operation_id_after_waiting_for_earlier_steps(sim, run):
    seed(sim, ["192.0.2.1", "192.0.2.9"])
    failure, result = run(["192.0.2.1", "192.0.2.2"], wait=False)
    assert failure is None and len(result["operation_ids"]) == 2
    assert result["bulk_operations"][0]["status"] == "completed"
    assert result["bulk_operations"][1]["status"] in ("pending", "running")
    assert sim.operation(result["operation_ids"][1])["status"] in ("pending", "running")


# --- every undocumented behaviour: the same exact task twice is changed, then not --------------

VARIANTS = [
    {},
    {"busy_writes": "queue"},
    {"busy_status": 429},
    {"duplicate_append": "ignore"},
    {"duplicate_append": "update"},
    {"ipv4_host32": "cidr"},
    {"ipv6_address": "slash64"},
    {"host_bits": "network"},
    {"host_bits": "as_given"},
    {"max_write_items": 2},
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join("%s=%s" % kv for kv in v.items()) or "defaults")
def test_exact_twice_is_changed_then_not_under_every_variant(sim, run, variant):
    sim.configure(**variant)
    seed(sim, ["192.0.2.1", "203.0.113.0/24", "198.51.100.7"])
    comment = {"ip": "203.0.113.0/24", "comment": "scanners"}
    if "max_write_items" in variant:
        # A comment change needs one replace of every item, which a body limit below the list's size forbids
        # (test_a_replace_too_large_fails_clearly); appends and deletes are split instead.
        comment["comment"] = None
    wanted = ["192.0.2.1/32", "2001:DB8::5", comment, "192.0.2.3", "192.0.2.4"]
    failure, first = run(wanted)
    assert failure is None and first["changed"] is True
    failure, second = run(wanted)
    assert failure is None and second["changed"] is False and second["operation_ids"] == []
    assert second["counts"]["unchanged"] == 5
    comments = dict((item["ip"], item.get("comment")) for item in run.held())
    assert comments[[ip for ip in comments if ip.startswith("203.0.113.")][0]] == comment["comment"]
    assert len(comments) == 5


# --- another writer, faults and failures ------------------------------------------------------

@pytest.mark.parametrize("variant", [{"busy_writes": "reject", "busy_status": 400}, {"busy_writes": "reject", "busy_status": 429},
                                     {"busy_writes": "queue"}])
def test_another_writers_pending_operation_is_waited_out(sim, run, variant):
    sim.configure(**variant)
    seed(sim, ["192.0.2.1"])
    sim.add_operation(duration=20)
    failure, result = run(["192.0.2.1", "192.0.2.2"], state="present")
    assert failure is None and result["bulk_operations"][-1]["status"] == "completed"
    assert run.values() == ["192.0.2.1", "192.0.2.2"]


def test_busy_past_wait_timeout_fails_and_says_why(sim, run):
    seed(sim, [])
    sim.add_operation(duration=1000)
    failure, _result = run(["192.0.2.2"], state="present", wait_timeout=30)
    assert "pending" in failure and "wait_timeout" in failure
    assert run.values() == []


RESET_CASES = {
    # method: (items before, items wanted)
    "POST": (["192.0.2.1", "192.0.2.9"], ["192.0.2.1", "192.0.2.2"]),
    "DELETE": (["192.0.2.1", "192.0.2.9"], ["192.0.2.1", "192.0.2.2"]),
    "PUT": (["192.0.2.9"], ["192.0.2.1", "192.0.2.2"]),
}


@pytest.mark.parametrize("method", sorted(RESET_CASES))
@pytest.mark.parametrize("duplicate_append", ["refuse", "ignore", "update"])
@pytest.mark.parametrize("busy_writes", ["reject", "queue"])
def test_a_reset_after_a_write_was_sent_is_read_again_not_repeated(sim, run, method, duplicate_append, busy_writes):
    sim.configure(duplicate_append=duplicate_append, busy_writes=busy_writes)
    before, wanted = RESET_CASES[method]
    seed(sim, before)
    sim.add_fault("reset", method=method, path="/items", after=True)
    failure, result = run(wanted)
    assert failure is None, failure
    assert run.values() == wanted
    assert any("outcome of a write" in warning for warning in run.warnings)
    assert result["changed"] is True
    assert run(wanted)[1]["changed"] is False


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_on_a_write_is_read_again_not_repeated(sim, run, status):
    seed(sim, ["192.0.2.9"])
    sim.add_fault("status", status=status, method="PUT", path="/items", after=True)
    failure, _result = run(["192.0.2.1"])
    assert failure is None
    assert run.values() == ["192.0.2.1"]


@pytest.mark.parametrize("method", WRITES)
def test_a_429_on_each_write_is_retried(sim, run, method):
    seed(sim, ["192.0.2.1", "192.0.2.9"] if method != "PUT" else ["192.0.2.9"])
    sim.add_fault("status", status=429, method=method, path="/items")
    wanted = ["192.0.2.1", "192.0.2.2"] if method != "PUT" else ["192.0.2.5"]
    failure, _result = run(wanted)
    assert failure is None
    assert run.values() == sorted(wanted)


def test_a_failed_operation_in_the_middle_names_the_step_and_what_the_list_holds(sim, run):
    seed(sim, ["192.0.2.1", "192.0.2.9"])
    sim.add_fault("operation", method="DELETE", path="/items", fail_with="simulated failure of the delete")
    failure, result = run(["192.0.2.1", "192.0.2.2"])
    assert "Step 2" in failure and "delete 1 item(s)" in failure
    assert "simulated failure of the delete" in failure
    assert "now holds 3 item(s)" in failure and "append 1 item(s)" in failure
    assert result["bulk_operations"][-1]["status"] == "failed"
    assert result["changed"] is True and result["list"]["num_items"] == 3


def test_a_run_whose_only_operation_failed_changed_nothing(sim, run):
    seed(sim, ["192.0.2.1"])
    sim.add_fault("operation", method="POST", path="/items", fail_with="simulated failure of the append")
    failure, result = run(["192.0.2.1", "192.0.2.2"], state="present")
    assert "Step 1" in failure and "simulated failure of the append" in failure and "no earlier step was applied" in failure
    assert result["changed"] is False and result["list"]["num_items"] == 1
    assert run.values() == ["192.0.2.1"]


def test_the_item_limit_is_explained(sim, run):
    sim.configure(max_items=3)
    seed(sim, ["192.0.2.1", "192.0.2.2"])
    failure, _result = run(["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"], state="present")
    assert "at most 10,000 items" in failure and "leave this list with 4" in failure
    assert "nothing was changed" not in failure or "no earlier step" in failure
    assert run.values() == ["192.0.2.1", "192.0.2.2"]


def test_a_body_too_large_is_split_for_appends(sim, run):
    sim.configure(max_write_items=2)
    seed(sim, ["192.0.2.1"])
    failure, result = run(["192.0.2.%d" % i for i in range(1, 7)], state="present")
    assert failure is None
    assert len(result["operation_ids"]) == 3
    assert len(run.values()) == 6


def test_a_replace_too_large_fails_clearly_and_changes_nothing(sim, run):
    sim.configure(max_write_items=2)
    seed(sim, ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
    failure, _result = run([{"ip": "192.0.2.1", "comment": "new"}, "192.0.2.2", "192.0.2.3"])
    assert "HTTP 413" in failure and "cannot be split" in failure
    assert all("comment" not in item for item in run.held())


# --- the kind is guessed before any request, from the items alone --------------------------------

@pytest.mark.parametrize("entries, kind, says", [
    ([{"source_url": "example.com/a", "target_url": "ftp://example.com/"}], "redirect", "items[0].target_url"),
    (["192.0.2.300"], "ip", "not an IPv4 or IPv6 address"),
    ([{"url_hostname": "exa mple.com"}], "hostname", "spaces"),
    (["example.com", "192.0.2.1"], "ip", "items[0]"),
])
def test_items_that_fit_no_kind_are_explained_as_the_kind_they_resemble(entries, kind, says):
    guessed, _wanted, problems = infer_kind(entries)
    assert guessed == kind and problems and says in problems[0]


def test_items_that_fit_a_kind_are_checked_as_that_kind_once():
    assert infer_kind(["192.0.2.1", "2001:db8::/48"])[0] == "ip"
    assert infer_kind(["example.com", "*.example.net"])[0] == "hostname"
    assert infer_kind([13335, "AS15169"])[0] == "asn"
    assert infer_kind([{"source_url": "example.com/a", "target_url": "https://example.com/b"}])[0] == "redirect"


def test_items_of_several_kinds_are_explained_as_the_kind_of_most_of_them():
    entries = ["192.0.2.0/24", {"url_hostname": "example.com"}, {"source_url": "example.com/a", "target_url": "https://example.com/b"}]
    kind, _wanted, problems = infer_kind(entries)
    assert kind == "ip" and len(problems) == 2
    assert infer_kind(["ab.cd", "x"])[0] == "hostname"


def test_the_echoed_arguments_carry_at_most_max_reported_items_items():
    params = {"items": ["192.0.2.%d" % i for i in range(10)], "max_reported_items": 3, "api_token": "t"}
    echoed = invocation_of(params)["module_args"]
    assert echoed["items"] == ["192.0.2.0", "192.0.2.1", "192.0.2.2", "... and 7 more item(s)"]
    assert echoed["api_token"] == "t" and len(params["items"]) == 10
    assert invocation_of(dict(params, max_reported_items=-1))["module_args"]["items"] == params["items"]
