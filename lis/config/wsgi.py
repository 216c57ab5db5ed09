"""WSGI entry point, served by gunicorn (`lis serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lis.config.settings")

application = get_wsgi_application()
