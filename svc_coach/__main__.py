"""`python -m svc_coach`: serve this service alone (one component per process)."""

from mesh.entry import run_service
from svc_coach.component import build
from svc_coach.settings import CoachSettings

if __name__ == "__main__":
    run_service("coach", build, CoachSettings)
