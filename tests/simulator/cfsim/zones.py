# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zones: what ``GET /zones?name=`` finds, and the scope of zone-level rulesets."""

# The default zone of the main account: Cloudflare's documentation's example zone id.
DEFAULT_ZONE_NAME = "example.com"
DEFAULT_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353"
ZONE_STATUSES = ("active", "pending", "initializing", "moved", "deleted", "deactivated")


class Zone:  # pylint: disable=too-few-public-methods
    """One zone of an account."""

    def __init__(self, zone_id, name, account_id, status, stamp):
        if status not in ZONE_STATUSES:
            raise ValueError(f"zone status must be one of {', '.join(ZONE_STATUSES)}, not {status!r}")
        self.id = zone_id
        self.name = name
        self.account_id = account_id
        self.status = status
        self.created_on = stamp

    def as_json(self):
        """The zone object of ``GET /zones`` (the fields the collection reads, and those the schema requires)."""
        return {
            "id": self.id, "name": self.name, "status": self.status, "paused": False, "type": "full",
            "account": {"id": self.account_id, "name": "Simulated account"},
            "owner": {"id": self.account_id, "name": "Simulated account", "type": "organization"},
            "meta": {"cdn_only": False, "dns_only": False, "foundation_dns": False, "phishing_detected": False},
            "created_on": self.created_on, "modified_on": self.created_on, "activated_on": self.created_on,
            "development_mode": 0, "name_servers": ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"],
            "original_dnshost": None, "original_name_servers": None, "original_registrar": None,
        }
