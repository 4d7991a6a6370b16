# One image for the whole app: gunicorn by default; docker-compose.yml runs the Celery worker,
# beat and the one-shot migration from it with other commands. Static files are collected at
# build time and served by whitenoise, so the image needs no static volume or web server.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=mentoring.settings.base

WORKDIR /app

# Dependencies before the code, so an edit to the code reuses this (slow) layer.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Outside DEBUG the settings refuse to load without a SECRET_KEY. This throwaway key exists only
# in this RUN line's environment: it is never written to an ENV layer, so the image carries none.
RUN DEBUG=0 SECRET_KEY=build-only-throwaway-key-for-collectstatic-never-used-at-runtime \
    python manage.py collectstatic --no-input

# The code stays root-owned, so a compromised process cannot rewrite it; the app user may only
# write its uploads (MEDIA_ROOT's default, a volume in docker-compose.yml) and /tmp.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app \
    && mkdir -p /app/.run/media \
    && chown -R app:app /app/.run
USER app

EXPOSE 8000

# No HEALTHCHECK here: the worker and beat run from this image too and serve no HTTP, so
# docker-compose.yml gives only web its /readyz check. gunicorn.conf.py sets the rest (workers
# from the CPUs, capped by WEB_CONCURRENCY; heartbeat files in /dev/shm; timeouts; access log);
# named with -c so a missing file stops the start instead of silently using defaults.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000"]
