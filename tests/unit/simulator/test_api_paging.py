# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulated Lists API: paging items with cursors, and search."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


# -- paging and search ----------------------------------------------------------------------------

def fill(sim, count, kind="ip"):
    """A list with ``count`` items, created directly."""
    makers = {"ip": lambda n: {"ip": f"10.{n // 256}.{n % 256}.1"}, "asn": lambda n: {"asn": n}}
    return sim.create_list("paged", kind, items=[makers[kind](n) for n in range(count)])["id"]


def all_pages(api, list_id, **params):
    """Every page, following result_info.cursors.after; returns (pages, last result_info)."""
    pages, info = [], None
    for dummy in range(1000):
        response = api.call("GET", f"/{list_id}/items", params=params)
        body = response.json()
        pages.append(body["result"])
        info = body["result_info"]
        if "after" not in info["cursors"]:
            break
        params = dict(params, cursor=info["cursors"]["after"])
    return pages, info


def test_paging_default_and_cursors(api, sim):
    list_id = fill(sim, 60)
    pages, dummy = all_pages(api, list_id)
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [item["id"] for page in pages for item in page] == [item["id"] for item in sim.get_items(list_id)]
    first = api.call("GET", f"/{list_id}/items").json()["result_info"]["cursors"]
    assert "before" not in first
    second = api.call("GET", f"/{list_id}/items", params={"cursor": first["after"]}).json()["result_info"]["cursors"]
    assert set(second) == {"before", "after"}


def test_per_page_bounds(api, sim):
    list_id = fill(sim, 501)
    assert len(api.items(list_id, per_page=500)) == 500
    assert len(api.items(list_id, per_page=1)) == 1
    for bad in (0, 501, -1, "x", 2.5):
        assert api.codes_of(api.call("GET", f"/{list_id}/items", params={"per_page": bad}), 400) == [10106], bad


def test_bad_cursor_gets_400(api, sim):
    list_id = fill(sim, 3)
    other = sim.create_list("other", "ip", items=[{"ip": "192.0.2.1"}])["id"]
    foreign = api.call("GET", f"/{other}/items", params={"per_page": 1}).json()["result_info"]["cursors"]
    for cursor in ("nonsense", "e30", foreign.get("after", "x")):
        assert api.codes_of(api.call("GET", f"/{list_id}/items", params={"cursor": cursor}), 400) == [10107]


def test_search(api, sim):
    ips = sim.create_list("ips", "ip", items=[{"ip": "192.0.2.1"}, {"ip": "192.0.2.2"}, {"ip": "198.51.100.1"}])["id"]
    assert [item["ip"] for item in api.items(ips, search="192.0.")] == ["192.0.2.1", "192.0.2.2"]
    asns = sim.create_list("asns", "asn", items=[{"asn": 13335}, {"asn": 133350}])["id"]
    assert [item["asn"] for item in api.items(asns, search="13335")] == [13335]
    names = [{"hostname": {"url_hostname": "www.example.com"}}, {"hostname": {"url_hostname": "example.org"}}]
    hosts = sim.create_list("hosts", "hostname", items=names)["id"]
    assert len(api.items(hosts, search="example.")) == 2 and len(api.items(hosts, search=".org")) == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(addresses=st.sets(st.ip_addresses(v=4).map(str), max_size=40), per_page=st.integers(min_value=1, max_value=15))
def test_pages_cover_every_item_once(api, sim, addresses, per_page):
    sim.reset()
    list_id = sim.create_list("prop", "ip", items=[{"ip": address} for address in sorted(addresses)])["id"]
    pages, dummy = all_pages(api, list_id, per_page=per_page)
    seen = [item["ip"] for page in pages for item in page]
    assert sorted(seen) == sorted(addresses) and all(len(page) <= per_page for page in pages)
