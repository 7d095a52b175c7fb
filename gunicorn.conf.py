# gunicorn reads this file when started from the repository's top directory: SatuAtap's settings
# (satuatap/gunicorn_conf.py: no query strings or personal numbers in gunicorn's logs).
from satuatap.gunicorn_conf import *  # noqa: F403
