"""Rows inserted with their history, fast: many for the bulk import, one for the entry's submit.

Measured (bench/import_commit.py): Django's bulk_create and simple-history's bulk_history_create
prepare every value of every row through the field (some 80 values a row for an enrollment and its
history row), which held a 100,000-row import to about 900 rows a second; psycopg2's execute_values
to 1,700. On PostgreSQL this takes the new primary keys from the table's sequence in one query and
sends the rows with COPY, from plain values (text, numbers, dates, aware datetimes, booleans, ids):
rows are dicts, not model instances, whose construction alone was a fifth of an import's commit
(issue 25). Their history rows are then copied inside PostgreSQL from the rows just inserted.
Other databases (SQLite, the local default) keep Django's bulk_create and simple-history's
bulk_history_create. One row (insert_one) goes with its history row in one statement.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import uuid
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.db.models.sql import InsertQuery
from django.utils import timezone

from config.history import record_by

Row = dict[str, Any]  # a model's column values by attname ("village_id", not "village")
Statement = tuple[str, Sequence[Any]]  # SQL and its parameters


def insert_rows(model: type[models.Model], rows: Sequence[Row], now: dt.datetime) -> list[Row]:
    """INSERT rows of `model` and return them whole: each with its new primary key and every column
    it left out at its field's default (auto_now and auto_now_add fields at `now`), as Django would."""
    if not rows:
        return []
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    complete = _completer(fields, now)
    whole = [complete(row) for row in rows]
    if connection.vendor != "postgresql":
        objects = model._default_manager.bulk_create([model(**row) for row in whole], batch_size=500)
        for row, instance in zip(whole, objects, strict=True):
            row[model._meta.pk.attname] = instance.pk
        return whole
    table, pk = model._meta.db_table, model._meta.pk
    with connection.cursor() as cursor:
        # The sequence by name: pg_get_serial_sequence inside the select ran once a row (5.7 ms for
        # 2,000 ids; 0.8 ms by name).
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [_sequence(table, pk.column), len(whole)]
        )
        for row, (value,) in zip(whole, cursor.fetchall(), strict=True):
            row[pk.attname] = value
    fields = [pk, *fields]
    _copy(table, fields, map(_values(fields), whole))
    return whole


@functools.cache
def _sequence(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        return cursor.fetchone()[0]


def _completer(fields: list[models.Field], now: dt.datetime) -> Callable[[Row], Row]:
    """What makes a row whole: the fields' defaults read once per call, not once per row and field."""
    defaults, stamped, made = {}, {}, []
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            stamped[field.attname] = now
        elif field.has_default() and callable(field.default):
            made.append(field)  # uuid4, a date of today: one value a row
        else:
            defaults[field.attname] = field.get_default()

    def complete(row: Row) -> Row:
        whole = {**defaults, **row, **stamped}
        for field in made:
            if field.attname not in row:
                whole[field.attname] = field.get_default()
        return whole

    return complete


def instances(model: type[models.Model], rows: Sequence[Row]) -> list[Any]:
    """Model instances of rows just inserted, as a query would have read them (no field conversion)."""
    names = [field.attname for field in model._meta.concrete_fields]
    return [model.from_db(connection.alias, names, [row[name] for name in names]) for row in rows]


def history_manager(model: type[models.Model]) -> Any:
    """simple-history's manager on `model` (added at class creation, so not on the model's type)."""
    return getattr(model, "history")  # noqa: B009


def insert_history(model: type[models.Model], rows: Sequence[Row], *, by, now: dt.datetime) -> None:
    """The "created" history rows of rows just inserted (insert_rows), as simple-history writes them."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        history_manager(model).bulk_history_create(instances(model, rows), default_user=by, default_date=now)
        return
    # Copied by PostgreSQL from the rows just inserted (a history row is their snapshot), not sent
    # again: formatting them for COPY was a tenth of an import's commit in Python (issue 25).
    quote, pk = connection.ops.quote_name, model._meta.pk
    insert, params = _history_copy(model, by=by, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{insert} FROM {quote(model._meta.db_table)} WHERE {quote(str(pk.column))} = ANY(%s)",
            [*params, [row[pk.attname] for row in rows]],
        )


def insert_one(instance: models.Model, *, by) -> None:
    """INSERT a new `instance` and its "created" history row, as save() and simple-history would.

    On PostgreSQL, one statement: the history row is copied from the INSERT's RETURNING by a writable
    CTE. The entry's submit saved three rows with their history as six statements, each compiled by
    the ORM and the history row built by simple-history's signal (issue 25: a submit in ten queries).
    Elsewhere (SQLite), save() and simple-history's signal.
    """
    if connection.vendor != "postgresql":
        record_by(instance, by)
        instance.save(force_insert=True)
        return
    _insert(instance, by, first=None)


def insert_one_after(first: Statement, instance: models.Model, *, by) -> tuple | None:
    """insert_one, only when `first` (an UPDATE ... RETURNING, run before it in the same statement on
    PostgreSQL) returned a row, which comes back; None when it returned none, and nothing was
    inserted. The entry takes its village's slot so: the slot and the enrollment in one statement."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(*first)
            returned = cursor.fetchone()
        if returned is not None:
            insert_one(instance, by=by)
        return returned
    return _insert(instance, by, first=first)


def _insert(instance: models.Model, by, *, first: Statement | None) -> tuple | None:
    model = type(instance)
    meta, quote = model._meta, connection.ops.quote_name
    # As save() does: ids of related objects set, an unsaved one refused (not in django-stubs).
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    fields, row = _row_insert(model)
    # What Django's insert compiler sends for a plain value: auto_now_add set, then prepared.
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    history, history_params = _history_copy(model, by=by, now=timezone.now())
    copied, pk = f'"copy" AS ({history} FROM "new")', quote(str(meta.pk.column))
    if first is None:
        sql = f'WITH "new" AS ({row} RETURNING *), {copied} SELECT "new".{pk} FROM "new"'
        params = [*params, *history_params]
    else:
        # INSERT ... SELECT the same values FROM the first statement's row: none, no row inserted.
        # PostgreSQL gives the values their columns' types, as in VALUES.
        head, keyword, values = row.partition(" VALUES (")
        assert keyword and values.endswith(")"), row
        sql = (
            f'WITH "first" AS ({first[0]}), "new" AS ({head} SELECT {values[:-1]} FROM "first" RETURNING *),'
            f' {copied} SELECT "new".{pk}, "first".* FROM "new", "first"'
        )
        params = [*first[1], *params, *history_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:
        return None
    instance.pk = found[0]
    instance._state.adding, instance._state.db = False, connection.alias
    return tuple(found[1:])


@functools.cache
def _row_insert(model: type[models.Model]) -> tuple[list[models.Field], str]:
    """The fields of a new row of `model`, and the INSERT of one row of their values: compiled by the
    ORM once per model, not for every row (0.3 ms of CPU a submit, issue 25)."""
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    assert not any(hasattr(field, "get_placeholder") for field in fields), "a value needs its own SQL"
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    [(row, _params)] = query.get_compiler(connection=connection).as_sql()
    return fields, row


def _history_copy(model: type[models.Model], *, by, now: dt.datetime) -> tuple[str, list]:
    """`INSERT INTO <history> (...) SELECT ...` copying rows of `model` as "created" history rows:
    the caller adds what they are copied FROM."""
    insert, fixed = _history_insert(model)
    values = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": by.pk,
    }
    return insert, [values[name] for name in fixed]


@functools.cache
def _history_insert(model: type[models.Model]) -> tuple[str, list[str]]:
    """The history INSERT's text, and the names of its values given as parameters, in their order.
    Built once per model: simple-history's manager is a new class on every access (0.4 ms)."""
    history = history_manager(model).model
    fields = [field for field in history._meta.concrete_fields if field.attname != "history_id"]
    fixed = {"history_date", "history_change_reason", "history_type", "history_user_id"}
    quote = connection.ops.quote_name
    columns = [quote(str(field.column)) for field in fields]
    copied = ", ".join(
        "%s" if field.attname in fixed else column for field, column in zip(fields, columns, strict=True)
    )
    return (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) SELECT {copied}",
        [field.attname for field in fields if field.attname in fixed],
    )


def _values(fields: list[models.Field]) -> Callable[[Row], tuple]:
    """A row's values in the fields' order, read in C (itemgetter), as a tuple however many fields."""
    names = [field.attname for field in fields]
    return itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)


def _copy(table: str, fields, rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join([_FORMATS.get(type(value), _text)(value) for value in row]))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN", buffer)


ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(ESCAPES)
    if isinstance(value, dt.date):  # datetimes too: aware ones carry their offset
        return value.isoformat()
    return str(value)


# The common types by their exact type, one dict lookup a value (1.8 million in a 20,000-row commit);
# anything else, a str subclass included, goes through `_text`'s checks.
_FORMATS: dict[type, Callable[[Any], str]] = {
    type(None): lambda value: "\\N",
    str: lambda value: value.translate(ESCAPES),
    bool: lambda value: "t" if value else "f",
    int: str,
    dt.date: dt.date.isoformat,
    # A commit's rows carry one moment a dozen times (entered, consented, created, the history's
    # date): formatted once, not 160,000 times for 20,000 rows.
    dt.datetime: functools.lru_cache(maxsize=64)(dt.datetime.isoformat),
    uuid.UUID: str,
}
