# krcoach HTTP service: `docker build -t krcoach . && docker run -p 8000:8000 krcoach`
# Runs `krcoach serve` (the same command the tests start) on the offline engine unless KRCOACH_LLM_* is set.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY krcoach ./krcoach
RUN python -m venv /opt/krcoach \
 && /opt/krcoach/bin/pip install --no-cache-dir --upgrade pip==24.3.1 \
 && /opt/krcoach/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN groupadd --system --gid 10001 krcoach \
 && useradd --system --uid 10001 --gid krcoach --home-dir /var/lib/krcoach --create-home krcoach
COPY --from=build /opt/krcoach /opt/krcoach
COPY prompts /opt/krcoach/prompts
ENV PATH=/opt/krcoach/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    KRCOACH_HOST=0.0.0.0 \
    KRCOACH_PORT=8000 \
    KRCOACH_JOBS_DB=/var/lib/krcoach/jobs.sqlite3 \
    KRCOACH_PROMPTS_DIR=/opt/krcoach/prompts
USER 10001:10001
WORKDIR /var/lib/krcoach
VOLUME ["/var/lib/krcoach"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["krcoach", "serve"]
