import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "satuatap.settings")
application = get_wsgi_application()

# What start-up made (modules, settings, URL patterns, translations) lives as long as the
# process: out of the collector's generations, a request that allocates many objects (a
# national table by village) does not pay for rescanning it in every full collection
# (about a third of that table's time on the national benchmark).
gc.freeze()
