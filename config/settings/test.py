"""Test runs: fast hashing, in-memory e-mail; the database comes from DATABASE_URL (SQLite by default)."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The replica alias as Django's test mirror of the primary (the same test database): the router's
# tests turn REPLICA_READS on and see which alias each query took.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_READS = False

# Uploaded scans land in a throwaway directory, never in the checkout.
MEDIA_ROOT = tempfile.mkdtemp(prefix="desa100-media-")

# Jobs run at once, in the test's own transaction; a test of the job itself calls it directly.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# SQLite's test database in a file, so that `--reuse-db` (on by default, see pyproject.toml) keeps it
# between runs: migrations and the session's regions are not redone each time. CI passes --create-db.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
