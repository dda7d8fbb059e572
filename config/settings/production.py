"""Production: every secret from the environment, no defaults; HTTPS everywhere; compressed static files."""

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, STORAGES, env

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without it
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

TWO_FACTOR_REQUIRED = env.bool("DESA100_TWO_FACTOR_REQUIRED", default=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Off only for loopback load tests over plain HTTP (bench/enroll_load.py); never in a real deployment.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive lets the domain be submitted to browsers' HTTPS-only list; off for a domain
# whose subdomains are not all on HTTPS yet.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Pages compressed too (whitenoise serves the static files precompressed, with Brotli). Django's gzip
# pads its output with random bytes against BREACH, and CSRF tokens are masked per response.
MIDDLEWARE = [*MIDDLEWARE[:2], "django.middleware.gzip.GZipMiddleware", *MIDDLEWARE[2:]]

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
