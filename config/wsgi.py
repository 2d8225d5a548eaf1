"""The WSGI application gunicorn serves (`config.wsgi`).

Each worker loads the code, the settings and the URL patterns once and keeps them for
its life, then freezes them out of the garbage collector's reach (`gc.freeze()`): a
full collection no longer walks those ~90,000 objects. Without it, one of a worker's
first thirty requests paid 25 ms for such a collection (on the 1M archive, SQLite).
"""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
import_module(settings.ROOT_URLCONF)  # the URL configuration and the views it routes to
gc.freeze()
