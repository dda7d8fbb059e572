"""Settings shared by every environment; values that differ come from the environment (django-environ)."""

from pathlib import Path

import environ
from csp.constants import SELF
from django.utils.translation import gettext_lazy as _

from config.storage import object_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
# A .env file is read only when asked (as cookiecutter-django does): a stray file on a server must not
# silently change production settings.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the default form templates, for the TemplatesSetting renderer
]
THIRD_PARTY_APPS = [
    "axes",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "django_tasks",
    "config.apps.BackgroundJobsConfig",  # django_tasks_db, named in Indonesian in the admin
    "heroicons",
    "simple_history",
]
LOCAL_APPS = [
    "accounts",
    "regions",
    "campaigns",
    "enrollment",
    "coverage",
    "imports",
    "reports",
    "billing",
    "targeting",
    "dashboards",
    "demo",
    "operations",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "config.request_timing.RequestTimingMiddleware",  # first: the whole request's time, for /metrics
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.RefuseNulBytesMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.db_router.PrimaryAfterWriteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # whether this session passed the second factor
    "accounts.middleware.TwoFactorMiddleware",
    "config.middleware.NoStoreMiddleware",
    "config.middleware.DeactivatedHeaderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it watches the login attempts the views above handle.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    }
]

# SQLite is the quick local default; PostgreSQL in CI and production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue up (for `timeout`
    # seconds) instead of one failing with "database is locked" when it upgrades a read to a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Model choice fields iterate their querysets; server-side cursors cost an extra round trip each
    # and do not survive a transaction-pooling pgbouncer.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Persistent connections, checked before each request reuses one (a restarted database is noticed
# instead of failing the request).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming replica for the reads of dashboards, lists and exports (config/db_router.py).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db("DATABASE_REPLICA_URL"),
        **{key: DATABASES["default"][key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")},
    }
    DATABASES["replica"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
    # A replica that does not answer within 3 s is taken as gone (its pages read the primary).
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
REPLICA_READS = "replica" in DATABASES
REPLICA_LAG_SECONDS = env.int(
    "REPLICA_LAG_SECONDS", default=10
)  # a user reads the primary this long after a write
# A replica further behind than this is not read (its pages read the primary; /healthz: "degraded"),
# asked by each process at most every REPLICA_CHECK_SECONDS.
REPLICA_MAX_LAG_SECONDS = env.int("REPLICA_MAX_LAG_SECONDS", default=30)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.auth.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Officials and administrators sign in with a code from an authenticator app too (accounts.two_factor):
# on in production unless turned off there; off in development and the demo.
TWO_FACTOR_REQUIRED = env.bool("DESA100_TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Desa100"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five wrong passwords for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# What axes records as the username: cut to the length of a username, so that a 300-character one
# typed at the login page is a failed login like any other, not a server error (axes stores 255).
AXES_USERNAME_CALLABLE = "accounts.auth.attempted_username"
# A lock runs its 15 minutes from the failure that set it: failing again while locked does not extend
# it, so an attacker cannot keep an official out for ever by retrying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address, read through the reverse proxies we trust (accounts.auth.client_ip); without
# this, every client behind the proxy would share its address and one attacker would lock out all.
AXES_CLIENT_IP_CALLABLE = "accounts.auth.client_ip"
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

# Bahasa Indonesia by default, English as the alternative. Source strings are English.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# 19.800 rather than 19800: Indonesian readers expect the dot as thousands separator.
USE_THOUSAND_SEPARATOR = True
# One date format and one datetime format per language (config/formats): "5 Des 2025 07.16".
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (the scans of signed village lists) hold personal data: they are never served as
# static media, only through a view that checks the user's reach (reports.views.signoff_scan).
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# With a bucket named, uploads go to S3-compatible object storage (config/storage.py): what several
# app servers and task workers must share. Without one, MEDIA_ROOT on this machine's disk.
if env("DESA100_S3_BUCKET", default=""):
    STORAGES["default"] = object_storage(
        bucket=env("DESA100_S3_BUCKET"),
        endpoint_url=env("DESA100_S3_ENDPOINT_URL", default=""),
        region=env("DESA100_S3_REGION", default=""),
        access_key=env("DESA100_S3_ACCESS_KEY", default=""),
        secret_key=env("DESA100_S3_SECRET_KEY", default=""),
        prefix=env("DESA100_S3_PREFIX", default=""),
    )

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}  # messages.ERROR renders as Bootstrap's alert-danger

# No inline scripts anywhere: the policy allows only our own origin. data: is for Bootstrap's inline SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"  # with CSP frame-ancestors 'none': never inside someone else's frame

# Background jobs (large imports) through django-tasks, the backport of Django 6.0's tasks API: the
# database backend keeps the queue in PostgreSQL, so any number of `manage.py db_worker` processes on
# any number of machines share it. `make run` starts one beside the development server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A file this big (bytes, unzipped for XLSX and ODS) is checked and saved by a background job; a smaller one in the request.
IMPORT_INLINE_BYTES = env.int("DESA100_IMPORT_INLINE_BYTES", default=200_000)
# Uploaded import files (they hold NIKs) are deleted this many days after upload by `prune_imports`.
IMPORT_FILE_DAYS = env.int("DESA100_IMPORT_FILE_DAYS", default=7)

# /metrics (Prometheus) answers a request with "Authorization: Bearer <this>", or an administrator.
METRICS_TOKEN = env("DESA100_METRICS_TOKEN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks NIKs and phone numbers (UU 27/2022): a log is read by more people than the data.
    "filters": {"personal_data": {"()": "config.logging.MaskPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

FORM_RENDERER = "config.forms.BootstrapFormRenderer"
# The village head's signature and the district's approval are taken by two people. A regency with
# too few officials may allow one person both; each such approval says so in the sign-off history.
SIGNOFF_SAME_PERSON_ALLOWED = env.bool("DESA100_SIGNOFF_SAME_PERSON", default=False)

# Reminders (billing.reminders): "console" prints them, "file" appends them to MESSAGES_FILE (what
# `make run` uses), "http" posts each to an SMS / WhatsApp gateway: a JSON body from the template
# below ({to}, {channel}, {text} filled in), with the token as a bearer credential.
MESSAGES_BACKEND = env("DESA100_MESSAGES_BACKEND", default="console")
MESSAGES_FILE = env("DESA100_MESSAGES_FILE", default=str(BASE_DIR / "messages.log"))
MESSAGES_GATEWAY_URL = env("DESA100_GATEWAY_URL", default="")
MESSAGES_GATEWAY_TOKEN = env("DESA100_GATEWAY_TOKEN", default="")
MESSAGES_GATEWAY_BODY = env(
    "DESA100_GATEWAY_BODY", default=""
)  # e.g. {"msisdn": "{to}", "message": "{text}"}
MESSAGES_GATEWAY_TIMEOUT = env.int("DESA100_GATEWAY_TIMEOUT", default=10)  # seconds
MESSAGES_DAILY_CAP = env.int("DESA100_MESSAGES_DAILY_CAP", default=3)  # per payer, a day
# The field of the gateway's answer holding its id of the message, and the token its delivery
# receipts carry (POST /billing/outbox/receipt/ with "Authorization: Bearer <token>"; off when empty).
MESSAGES_GATEWAY_ID_FIELD = env("DESA100_GATEWAY_ID_FIELD", default="id")
MESSAGES_CALLBACK_TOKEN = env("DESA100_GATEWAY_CALLBACK_TOKEN", default="")
