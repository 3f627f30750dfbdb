"""WSGI entry point: `gunicorn masar.wsgi` (see docs/operations.md)."""

import os

from django.core.wsgi import get_wsgi_application

from masar.cli import settings_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
application = get_wsgi_application()
