import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "byline.settings.base")

application = get_wsgi_application()

# Cached anonymous story pages are answered before Django (byline/core/fastpath.py).
from byline.core.fastpath import FastPath  # noqa: E402

application = FastPath(application)
