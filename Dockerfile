# syntax=docker/dockerfile:1
# One image for every component of AI Waste Coach; the command picks the role:
#   wastecoach serve edge|auth|users|waste|coach|locations
#   wastecoach consume q.ai|q.api|q.sched|q.batch
#   wastecoach schedule | wastecoach migrate
# Runs as uid 10001 on a read-only root filesystem (only /tmp needs to be writable).

# ---- build: resolve and install the dependencies, then the project, into /opt/venv ----
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src
# dependencies first (only pyproject.toml): this layer is reused while the code changes
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt
COPY . .
RUN pip install --no-deps . \
 && python -m compileall -q /opt/venv/lib \
 && wastecoach --help > /dev/null

# ---- runtime: the venv only, no compilers, no source tree ----
FROM python:3.11-slim AS runtime
LABEL org.opencontainers.image.title="wastecoach" \
      org.opencontainers.image.description="AI Waste Coach: REST edge, gRPC services, queue consumers, scheduler"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONFAULTHANDLER=1 \
    TMPDIR=/tmp \
    HOME=/tmp \
    WASTECOACH_ENV=production
RUN groupadd --system --gid 10001 wastecoach \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin wastecoach
COPY --from=build /opt/venv /opt/venv
WORKDIR /tmp
USER 10001:10001
# edge HTTP, gRPC services, Prometheus metrics
EXPOSE 8000 50051 50052 50053 50054 50055 9464
# every role serves Prometheus metrics on 9464: a cheap liveness signal for docker/compose
# (Kubernetes ignores HEALTHCHECK and uses the chart's probes)
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/metrics', timeout=2)"]
ENTRYPOINT ["wastecoach"]
CMD ["serve", "edge"]
