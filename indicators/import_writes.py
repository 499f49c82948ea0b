"""Writing an import's observations in bulk: one prepared statement, many rows.

``bulk_create`` builds the SQL of every row in Python (and SQLite's 999-parameter limit cuts
it into statements of about 120 rows); ``executemany`` of one parameterised statement hands
the rows to the driver instead. Measured at 12,000 observations on SQLite: the ORM's
bulk_create took most of the import's time. On PostgreSQL new rows go through COPY
(``_insert``). The statements name only our own tables and columns, from the models'
metadata; every value is a parameter or a COPY field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connection
from django.utils import timezone

from .models import Observation, ObservationChange

ROWS_PER_CALL = 5000


def _statement(model, columns: Sequence[str], template: str) -> str:
    quote = connection.ops.quote_name
    return template.format(
        table=quote(model._meta.db_table),
        columns=", ".join(quote(model._meta.get_field(name).column) for name in columns),
        marks=", ".join(["%s"] * len(columns)),
        assignments=", ".join(
            f"{quote(model._meta.get_field(name).column)} = %s" for name in columns
        ),
    )


def _now_for(model, field: str):
    return model._meta.get_field(field).get_db_prep_value(timezone.now(), connection)


def _execute(sql: str, rows: list[tuple], done: Callable[[int], None] | None) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_CALL):
            chunk = rows[start : start + ROWS_PER_CALL]
            cursor.executemany(sql, chunk)
            if done:
                done(len(chunk))


def _insert(model, columns: Sequence[str], rows: list[tuple], done) -> None:
    """SQLite runs ``executemany`` in C, row after row, fast. On PostgreSQL the rows go
    through ``COPY … FROM STDIN``: a multi-row INSERT spent most of a first import of
    40,000 rows in psycopg splitting its 60,000 placeholders (10 of 17 s, profiled); COPY
    sends the values as they are, with no SQL per row."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        sql = _statement(model, columns, "INSERT INTO {table} ({columns}) VALUES ({marks})")
        _execute(sql, rows, done)
        return
    copy = _statement(model, columns, "COPY {table} ({columns}) FROM STDIN")
    with connection.cursor() as cursor, cursor.cursor.copy(copy) as stream:
        for start in range(0, len(rows), ROWS_PER_CALL):
            chunk = rows[start : start + ROWS_PER_CALL]
            for row in chunk:
                stream.write_row(row)
            if done:
                done(len(chunk))


def insert_observations(rows: list[tuple], batch_id: int, done=None) -> None:
    """``rows``: (file row, indicator id, organisation id, year, value, note or None)."""
    columns = ("indicator", "organisation", "year", "value", "note", "batch", "updated_at")
    now = _now_for(Observation, "updated_at")
    params = [
        (indicator_id, organisation_id, year, value, note or "", batch_id, now)
        for _row, indicator_id, organisation_id, year, value, note in rows
    ]
    _insert(Observation, columns, params, done)


def correct_observations(rows: list[tuple], batch_id: int, done=None) -> None:
    """``rows``: (file row, observation id, value, note, old value, old note); each previous
    value is kept as an ObservationChange."""
    columns = ("value", "note", "batch", "updated_at")
    sql = _statement(Observation, columns, "UPDATE {table} SET {assignments} WHERE id = %s")
    now = _now_for(Observation, "updated_at")
    _execute(
        sql,
        [(value, note, batch_id, now, pk) for _row, pk, value, note, _old, _old_note in rows],
        done,
    )
    columns = ("observation", "old_value", "new_value", "old_note", "batch", "changed_at")
    changed_at = _now_for(ObservationChange, "changed_at")
    _insert(
        ObservationChange,
        columns,
        [
            (pk, old, value, old_note, batch_id, changed_at)
            for _row, pk, value, _note, old, old_note in rows
        ],
        None,
    )
