"""The WSGI application that ``wholestory serve`` runs under gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wholestory.web.settings")
application = get_wsgi_application()
