# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The admin API under ``/__sim/``: plain JSON, no authentication, not counted (mixed into Simulator)."""

import json

from .common import ADMIN_PREFIX, json_response
from .settings import describe

ADMIN_ROUTES = {
    "GET /state": "admin_state",
    "GET /faults": "admin_get_faults",
    "POST /faults": "admin_add_faults",
    "DELETE /faults": "admin_clear_faults",
    "GET /counters": "admin_counters",
    "DELETE /counters": "admin_reset_counters",
    "POST /reset": "admin_reset",
    "POST /operations": "admin_add_operation",
    "GET /config": "admin_get_config",
    "POST /config": "admin_configure",
    "GET /settings": "admin_settings",
    "POST /advance": "admin_advance",
    "POST /lists": "admin_create_list",
    "POST /zones": "admin_add_zone",
    "GET /zones": "admin_get_zones",
    "GET /rulesets": "admin_get_rulesets",
}


class AdminMixin:
    """The admin methods of Simulator (``self`` is the Simulator)."""

    def admin(self, method, path, body):
        """Answer ``/__sim/...``: plain JSON, no authentication, not counted."""
        route_path = path[len(ADMIN_PREFIX) - 1:].rstrip('/')
        route = f"{method} {route_path}"
        handler = ADMIN_ROUTES.get(route)
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
            if handler is None:
                answer = self.admin_pattern(method, route_path, data)
                if answer is None:
                    routes = sorted(ADMIN_ROUTES) + ["GET /entrypoints/{zones|accounts}/{id}/{phase}",
                                                     "PUT /entrypoints/{zones|accounts}/{id}/{phase}"]
                    return json_response(404, {"error": f"no admin route {route}", "routes": routes})
                return json_response(200, answer)
            return json_response(200, getattr(self, handler)(data))
        except (ValueError, TypeError, KeyError) as exc:
            return json_response(400, {"error": str(exc)})

    def admin_state(self, data):
        """GET /__sim/state."""
        del data
        return self.state()

    def admin_get_faults(self, data):
        """GET /__sim/faults."""
        del data
        return {"faults": self.pending_faults()}

    def admin_add_faults(self, data):
        """POST /__sim/faults with a fault object or a list of them."""
        self.add_faults(data)
        return {"faults": self.pending_faults()}

    def admin_clear_faults(self, data):
        """DELETE /__sim/faults."""
        del data
        self.clear_faults()
        return {"faults": []}

    def admin_counters(self, data):
        """GET /__sim/counters."""
        del data
        return self.get_counters()

    def admin_reset_counters(self, data):
        """DELETE /__sim/counters."""
        del data
        self.reset_counters()
        return self.get_counters()

    def admin_reset(self, data):
        """POST /__sim/reset."""
        del data
        self.reset()
        return {"reset": True}

    def admin_add_operation(self, data):
        """POST /__sim/operations {"duration", "fail_with", "account_id"} -> {"id"}."""
        return {"id": self.add_operation(data.get("account_id"), data.get("duration"), data.get("fail_with"))}

    def admin_get_config(self, data):
        """GET /__sim/config: every setting's current value."""
        del data
        with self._lock:
            return dict(self.config)

    def admin_configure(self, data):
        """POST /__sim/config with any of the settings (see ``settings``); answers the whole config."""
        if not isinstance(data, dict):
            raise ValueError("POST /__sim/config takes a JSON object of settings")
        return self.configure(**data)

    def admin_settings(self, data):
        """GET /__sim/settings: every setting with its value, default, variants and meaning."""
        del data
        with self._lock:
            return describe(self.config)

    def admin_advance(self, data):
        """POST /__sim/advance {"seconds"}: move the clock forward."""
        return {"offset": self.advance(data["seconds"])}

    def admin_create_list(self, data):
        """POST /__sim/lists {"name", "kind", "description"?, "items"?, "account_id"?, "num_referencing_filters"?}: seed a list.

        ``num_referencing_filters`` seeds a list that that many rules use (Cloudflare then refuses to delete it).
        """
        created = self.create_list(data["name"], data["kind"], data.get("description", ""), data.get("account_id"), data.get("items"))
        if data.get("num_referencing_filters"):
            self.set_referencing_filters(created["id"], int(data["num_referencing_filters"]), data.get("account_id"))
            created["num_referencing_filters"] = int(data["num_referencing_filters"])
        return created
