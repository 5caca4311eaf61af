"""`python -m svc_locations`: serve LocationsService alone (one component per process)."""

from mesh.entry import run_service
from svc_locations.component import build

if __name__ == "__main__":
    run_service("locations", build)
