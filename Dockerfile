# Juwei portal image: gunicorn (web), Celery worker and Celery beat all run from it (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    PORTAL_VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media

# Pango/HarfBuzz for WeasyPrint, a CJK font for the PDFs, gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fontconfig fonts-noto-cjk fonts-wqy-microhei gettext \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache -f

WORKDIR /app
# The same pinned uv and lock file as `make install`; production dependencies only.
RUN pip install --no-cache-dir "uv==0.13.9"
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Settings need their stores only to start; nothing is contacted while building.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 \
    PORTAL_SITE_URL=https://build.invalid sh -c '\
      if find . -name "*.po" -not -path "./.venv/*" | grep -q .; then \
        python manage.py compilemessages --ignore=.venv -v 0; fi \
      && python manage.py collectstatic --noinput -v 0' \
 && useradd --system --uid 10001 --home-dir /app juwei \
 && mkdir -p /app/var/media \
 && chown -R juwei /app/var

USER juwei
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
