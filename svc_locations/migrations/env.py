from mesh.migrate import run_env
from svc_locations.models import Base

run_env(Base.metadata)
