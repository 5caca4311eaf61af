"""`python -m svc_locations`: serve this service alone (one component per process)."""

from mesh.entry import run_service
from svc_locations.component import build
from svc_locations.settings import LocationsSettings

if __name__ == "__main__":
    run_service("locations", build, LocationsSettings)
