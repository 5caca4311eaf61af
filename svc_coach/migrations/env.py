from mesh.migrate import run_env
from svc_coach.models import Base

run_env(Base.metadata)
