from mesh.migrate import run_env
from svc_users.models import Base

run_env(Base.metadata)
