# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the simulator's tests.

The simulator is imported through the collection name when that works (ansible-test units, or
plain pytest with the collection importable); otherwise from its file, so these tests also run
from a bare checkout.
"""

import importlib.util
import json
import os

import jsonschema
import pytest
import requests

try:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
    HAS_REFERENCING = True
except ImportError:  # jsonschema before 4.18 resolves $ref with RefResolver instead
    HAS_REFERENCING = False

SIM_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "simulator", "cloudflare_sim.py")


def load_simulator_module():
    """The cloudflare_sim module, by collection name or by file path."""
    try:
        from ansible_collections.netedge.cloudflare.tests.simulator import cloudflare_sim  # pylint: disable=import-outside-toplevel
        return cloudflare_sim
    except ImportError:
        spec = importlib.util.spec_from_file_location("cloudflare_sim", SIM_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


class OpenApi:
    """Validators for places in one of Cloudflare's OpenAPI documents copied beside these tests.

    A place is a schema (a dict), a JSON pointer into the document ("#/components/responses/..."), or
    the name of a component schema, optionally with a path inside it ("lists_item/properties/id").
    $ref is resolved inside the document, whose ``nullable: true`` (OpenAPI 3.0) is read as JSON Schema.
    """

    def __init__(self, file_name):
        self.base_uri = "urn:netedge:" + file_name[:-len(".json")].replace(".", "-")
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name), encoding="utf-8") as stream:
            self.document = self.with_nullable(json.load(stream))
        self.registry = None
        if HAS_REFERENCING:
            self.registry = Registry().with_resource(self.base_uri, Resource(contents=self.document, specification=DRAFT7))

    @staticmethod
    def with_nullable(node):
        """OpenAPI 3.0's ``nullable: true`` as JSON Schema: add "null" to the type (and enum)."""
        if isinstance(node, list):
            return [OpenApi.with_nullable(child) for child in node]
        if not isinstance(node, dict):
            return node
        result = {key: OpenApi.with_nullable(value) for key, value in node.items()}
        if result.pop("nullable", False):
            if isinstance(result.get("type"), str):
                result["type"] = [result["type"], "null"]
            if "enum" in result and None not in result["enum"]:
                result["enum"] = result["enum"] + [None]
        return result

    def ref(self, place):
        """A $ref to a place in the document: a pointer ("#/...") or a component schema's name and path."""
        return {"$ref": self.base_uri + (place if place.startswith("#/") else "#/components/schemas/" + place)}

    def errors(self, instance, place):
        """The validation error texts of ``instance`` against ``place``."""
        schema = self.ref(place) if isinstance(place, str) else place
        if HAS_REFERENCING:
            validator = jsonschema.Draft7Validator(schema, registry=self.registry)
        else:
            resolver = jsonschema.RefResolver(self.base_uri, self.document)  # pylint: disable=no-member
            validator = jsonschema.Draft7Validator(schema, resolver=resolver)
        return [f"{list(err.absolute_path)}: {err.message}" for err in validator.iter_errors(instance)]

    def check(self, instance, place):
        """Assert that ``instance`` is valid against ``place``."""
        found = self.errors(instance, place)
        assert not found, f"{json.dumps(instance)[:400]} against {place}: {found}"


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start=1000.0):
        self.time = start

    def __call__(self):
        return self.time

    def advance(self, seconds):
        """Move forward."""
        self.time += seconds


class Api:
    """A small client for the simulated API: one keep-alive session, edit token by default."""

    def __init__(self, sim):
        self.sim = sim
        self.session = requests.Session()
        self.headers = {"Authorization": "Bearer " + sim.api_token}

    def lists_url(self, suffix="", account_id=None):
        """URL under /accounts/{account_id}/rules/lists."""
        return f"{self.sim.url}/accounts/{account_id or self.sim.account_id}/rules/lists{suffix}"

    def call(self, method, suffix="", headers=None, **kwargs):
        """One request under the lists URL; ``headers`` replaces the default auth headers."""
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.lists_url(suffix), headers=self.headers if headers is None else headers, **kwargs)

    def ok(self, method, suffix="", **kwargs):
        """The ``result`` of a call that must succeed."""
        response = self.call(method, suffix, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True, body
        return body["result"]

    def new_list(self, name="test_list", kind="ip", **extra):
        """Create a list and return its id."""
        return self.ok("POST", json=dict(name=name, kind=kind, **extra))["id"]

    def write(self, method, list_id, body):
        """Send an item write and return its operation id."""
        return self.ok(method, f"/{list_id}/items", json=body)["operation_id"]

    def operation(self, operation_id):
        """An operation's result."""
        return self.ok("GET", f"/bulk_operations/{operation_id}")

    def items(self, list_id, **params):
        """One page of items."""
        return self.ok("GET", f"/{list_id}/items", params=params)

    def rules_url(self, suffix="", scope=None):
        """URL under /{scope}/rulesets; ``scope`` is "zones/<id>" or "accounts/<id>" (default: the default zone)."""
        return f"{self.sim.url}/{scope or 'zones/' + self.sim.zone_id}/rulesets{suffix}"

    def rcall(self, method, suffix="", scope=None, headers=None, **kwargs):
        """One request under a scope's rulesets URL."""
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.rules_url(suffix, scope), headers=self.headers if headers is None else headers, **kwargs)

    def rok(self, method, suffix="", scope=None, **kwargs):
        """The ``result`` of a rulesets call that must succeed."""
        response = self.rcall(method, suffix, scope, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True and body["errors"] == [], body
        return body["result"]

    @staticmethod
    def errors_of(response, status):
        """The error objects of a failed answer with HTTP ``status``."""
        assert response.status_code == status, response.text
        body = response.json()
        assert body["success"] is False and body["result"] is None and body["messages"] == []
        return body["errors"]

    def codes_of(self, response, status):
        """The error codes of a failed answer."""
        return [err["code"] for err in self.errors_of(response, status)]

    def close(self):
        """Close the session."""
        self.session.close()


# Read when this file is, in the pytest process itself, so that each fork of it has them (see below).
SIMULATOR = load_simulator_module()
OPENAPI_FILES = ("cloudflare-lists.openapi.json", "cloudflare-rulesets.openapi.json")
OPENAPI = {}


def openapi_document(file_name):
    """The OpenAPI document of that name beside these tests, read once per pytest process."""
    if file_name not in OPENAPI:
        OPENAPI[file_name] = OpenApi(file_name)
    return OPENAPI[file_name]


def pytest_collection_finish(session):
    """Build what the simulator tests share once, in the pytest process, before the first test runs.

    ``ansible-test units`` runs each test in a fork of the pytest process (its ansible_forked plugin),
    so a session- or module-scoped fixture is built again for every test and lost with its fork: the
    schema tests took 10 to 20 times longer there than under plain pytest. What is built here, before
    the first fork, every fork inherits: the OpenAPI documents when a collected test uses them, and
    whatever a collected test module builds in its ``shared_before_fork(simulator)``. Under plain
    pytest this only builds it earlier.
    """
    modules = {}
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None and callable(getattr(module, "shared_before_fork", None)):
            modules[module.__name__] = module
    if any("openapi" in getattr(item, "fixturenames", ()) for item in session.items):
        for file_name in OPENAPI_FILES:
            openapi_document(file_name)
    for module in modules.values():
        module.shared_before_fork(SIMULATOR)


@pytest.fixture(scope="session")
def sim_module():
    """The simulator module."""
    return SIMULATOR


@pytest.fixture(scope="session")
def openapi():
    """``openapi(file_name)``: the OpenAPI document of that name beside these tests."""
    return openapi_document


@pytest.fixture
def clock():
    """A hand-driven clock."""
    return FakeClock()


@pytest.fixture
def sim(sim_module, clock):  # pylint: disable=redefined-outer-name
    """A running simulator on the fake clock; bulk operations take 1 s."""
    simulator = sim_module.Simulator(clock=clock, op_duration=1.0, seed=7)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def api(sim):  # pylint: disable=redefined-outer-name
    """A client for ``sim``."""
    client = Api(sim)
    yield client
    client.close()
