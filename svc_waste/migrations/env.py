from mesh.migrate import run_env
from svc_waste.models import Base

run_env(Base.metadata)
