"""`python -m svc_users`: serve UsersService alone (one component per process)."""

from mesh.entry import run_service
from svc_users.component import build

if __name__ == "__main__":
    run_service("users", build)
