import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()

# Each worker imports this module after the fork (gunicorn without --preload), so loading
# the encoder and indexes here costs no request anything and never crosses a fork.
if os.environ.get("ERFA_WARM_UP", "1") == "1":
    from search.query import warm_up

    warm_up()
