# newsstreams worker and CLI image. Build with `docker compose build`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv \
    && useradd --create-home --uid 10001 newsstreams \
    && mkdir -p /data/worker \
    && chown newsstreams:newsstreams /data/worker

WORKDIR /app

# Dependencies first, in their own layer, so that editing the code does not
# reinstall them. Exactly the locked versions (--frozen), runtime only.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

# The project is installed editable (uv's default) on purpose: settings.PROJECT_ROOT
# is the directory above streams/, and the code finds schemas/ (and its default
# data dir) from there, so it must stay /app rather than site-packages.
COPY streams/ streams/
COPY schemas/ schemas/
COPY seeds/ seeds/
RUN uv sync --frozen --no-dev

USER newsstreams
CMD ["newsstreams", "worker"]
