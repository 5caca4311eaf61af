"""`python -m svc_coach`: serve CoachService alone (one component per process)."""

from mesh.entry import run_service
from svc_coach.component import build

if __name__ == "__main__":
    run_service("coach", build)
