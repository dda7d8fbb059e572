"""Sign-in helpers for django-axes, and the backend that reads the signed-in user."""

from functools import cache

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from django.http import HttpRequest

from regions.models import Region

from .models import User

USERNAME_MAX = 150  # User.username's length


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username a login attempt was made with, as axes records it (never longer than a username)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:USERNAME_MAX]


def client_ip(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or, when that is one of settings.TRUSTED_PROXIES, the
    right-most address in X-Forwarded-For that is not a trusted proxy (the left ones are whatever the
    client chose to send, so they are never believed)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in trusted:
            return address[:45]  # the longest IPv6 text
    return remote


class UserBackend(ModelBackend):
    """Django's model backend, reading the signed-in user of each request with their region codes in
    the same query on PostgreSQL (an array sub-select): every page asks for the reach, and it was a
    query of its own on every request (issue 25). `User.region_codes` then reads no more."""

    def get_user(self, user_id):
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        columns, sql = _user_with_codes_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [User._meta.pk.get_prep_value(user_id)])
            row = cursor.fetchone()
        if row is None:
            return None
        user = User.from_db(connection.alias, columns, row[:-1])
        user.__dict__["region_codes"] = row[-1]  # User.region_codes is a cached_property
        return user if self.user_can_authenticate(user) else None


@cache
def _user_with_codes_sql() -> tuple[list[str], str]:
    """The user's columns, and the statement reading a user by id with their region codes: built by
    the ORM once, not on every request, where building and compiling it cost 0.7 ms of CPU, more than
    PostgreSQL spends answering it (issue 25)."""
    codes = Region.objects.filter(users=OuterRef("pk")).order_by("code").values("code")
    users = User._default_manager.filter(pk=0).annotate(region_codes_read=ArraySubquery(codes))
    sql, params = users.query.get_compiler(connection=connection).as_sql()
    assert list(params) == [0], params  # the id is the statement's one parameter
    return [field.attname for field in User._meta.concrete_fields], sql
