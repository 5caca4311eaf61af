"""The REST edge: FastAPI routes that translate the app's REST calls into gRPC calls."""
