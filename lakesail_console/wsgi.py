import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakesail_console.settings")
application = get_wsgi_application()
# What the loaded application holds lives as long as the process. Frozen, it stays out of the collector's full
# passes, which otherwise walk it (over 200,000 objects) every few hundred requests: 150 ms each, under a page of
# members, was most of its p99 (bench/README.md).
gc.freeze()
