from mesh.migrate import run_env
from svc_auth.models import Base

run_env(Base.metadata)
