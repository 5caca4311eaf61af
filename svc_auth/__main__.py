"""`python -m svc_auth`: serve AuthService alone (one component per process)."""

from mesh.entry import run_service
from svc_auth.component import build
from svc_auth.settings import AuthSettings

if __name__ == "__main__":
    run_service("auth", build, AuthSettings)
