# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Large lists: a page costs O(page), bulk writes of 200,000 items take seconds.

The bounds are generous (a slow two-core machine runs these in about 4 s in all); the code they
replaced took about 14 ms a page for a 100,000-item list, growing with the list.
"""

import time

import pytest

COUNT = 200_000


def addresses(count, second_octet=0):
    """``count`` distinct IPv4 items."""
    return [{"ip": f"10.{second_octet + (n >> 16)}.{n >> 8 & 255}.{n & 255}"} for n in range(count)]


@pytest.fixture
def big(sim):
    """A list of COUNT items, seeded directly, and the simulator allowing that many."""
    sim.configure(max_items=2 * COUNT + 10, rate_limit=None)
    started = time.monotonic()
    list_id = sim.create_list("big", "ip", items=addresses(COUNT))["id"]
    assert time.monotonic() - started < 10
    return list_id


def page_seconds(sim, list_id, cursor, repeat=30):
    """Seconds one GET of 500 items from ``cursor`` takes inside the simulator (no HTTP), the best of ``repeat``."""
    query = {"per_page": ["500"]}
    if cursor:
        query["cursor"] = [cursor]
    path = f"/client/v4/accounts/{sim.account_id}/rules/lists/{list_id}/items"
    best = None
    for dummy in range(repeat):
        request = {"method": "GET", "path": path, "query": dict(query), "headers": {"Authorization": "Bearer " + sim.api_token}, "body": b""}
        started = time.perf_counter()
        status, dummy_headers, data = sim.answer(request)
        elapsed = time.perf_counter() - started
        assert status == 200 and data.count(b'"ip"') == 500
        best = elapsed if best is None else min(best, elapsed)
    return best


def test_paging_through_200000_items_by_cursor(api, sim, big):
    started = time.monotonic()
    seen, params, pages = [], {"per_page": 500}, 0
    while True:
        body = api.call("GET", f"/{big}/items", params=params).json()
        seen.extend(item["id"] for item in body["result"])
        pages += 1
        after = body["result_info"]["cursors"].get("after")
        if after is None:
            break
        params = {"per_page": 500, "cursor": after}
    elapsed = time.monotonic() - started
    assert pages == COUNT // 500 and len(seen) == COUNT and len(set(seen)) == COUNT
    assert seen == [item["id"] for item in sim.get_items(big)]
    assert elapsed < 20, f"{pages} pages took {elapsed:.1f} s"


def test_a_page_of_a_long_list_costs_what_a_page_of_a_short_list_costs(sim, sim_module, big):
    short = sim.create_list("short", "ip", items=addresses(1000, second_octet=200))["id"]
    short_time = page_seconds(sim, short, sim_module.encode_cursor(short, 500))
    # cursors are opaque to clients, not to these tests
    first_time, last_time = page_seconds(sim, big, None), page_seconds(sim, big, sim_module.encode_cursor(big, COUNT - 500))
    assert max(first_time, last_time) < 5 * short_time + 0.002, (short_time, first_time, last_time)


def test_bulk_append_replace_and_delete_of_200000_items(api, sim, clock):
    sim.configure(max_items=COUNT, rate_limit=None)
    list_id = api.new_list("bulk")
    items = addresses(COUNT, second_octet=100)
    timings = {}
    for method, body in (("POST", items), ("PUT", items[::-1])):
        started = time.monotonic()
        operation_id = api.write(method, list_id, body)
        clock.advance(1)
        assert api.operation(operation_id)["status"] == "completed"
        timings[method] = time.monotonic() - started
    assert api.ok("GET", f"/{list_id}")["num_items"] == COUNT
    assert api.items(list_id, per_page=1)[0]["ip"] == items[-1]["ip"]
    ids = [item["id"] for item in sim.get_items(list_id)]
    started = time.monotonic()
    operation_id = api.write("DELETE", list_id, {"items": [{"id": item_id} for item_id in ids[1:]]})
    clock.advance(1)
    assert api.operation(operation_id)["status"] == "completed"
    timings["DELETE"] = time.monotonic() - started
    assert [item["id"] for item in api.items(list_id)] == ids[:1]
    assert sum(timings.values()) < 30, timings
