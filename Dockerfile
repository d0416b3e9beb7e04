# Eligibility decision service: bundled rule sets, no database required.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN pip install --no-cache-dir uv

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY eligibility_service ./eligibility_service
RUN uv sync --frozen --no-dev

COPY rule_sets ./rule_sets
COPY statutes ./statutes
COPY contracts ./contracts
COPY guidance ./guidance

RUN useradd --system --uid 10001 --home /app eligibility && chown -R eligibility /app
USER eligibility

ENV ELIGIBILITY_ROOT=/app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health').status == 200 else 1)"
# `eligibility serve`, not bare uvicorn: its SIGTERM handling (graceful timeout, decision log
# flushed) and SIGHUP handling (rule sets reloaded in every worker) are the service's. Give
# `docker stop` more than its default 10 s: -t 30 (README "Operations").
CMD ["eligibility", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
