"""Writing an import's observations in bulk: one prepared statement, many rows.

``bulk_create`` builds the SQL of every row in Python (and SQLite's 999-parameter limit cuts
it into statements of about 120 rows); ``executemany`` of one parameterised statement hands
the rows to the driver instead. Measured at 12,000 observations on SQLite: the ORM's
bulk_create took most of the import's time. The statements name only our own tables and
columns, from the models' metadata; every value is a parameter.
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


def _insert(sql: str, rows: list[tuple], done: Callable[[int], None] | None) -> None:
    """SQLite runs ``executemany`` in C, row after row, fast; PostgreSQL answers each row
    of it with a round trip, so there one INSERT carries many rows (within its 65,535
    parameters)."""
    if connection.vendor != "postgresql" or not rows:
        _execute(sql, rows, done)
        return
    head, marks = sql.rsplit("VALUES", 1)
    per_statement = 60_000 // len(rows[0])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"{head}VALUES {', '.join([marks.strip()] * len(chunk))}",
                [value for row in chunk for value in row],
            )
            if done:
                done(len(chunk))


def insert_observations(rows: list[tuple], batch_id: int, done=None) -> None:
    """``rows``: (file row, indicator id, organisation id, year, value, note or None)."""
    columns = ("indicator", "organisation", "year", "value", "note", "batch", "updated_at")
    sql = _statement(Observation, columns, "INSERT INTO {table} ({columns}) VALUES ({marks})")
    now = _now_for(Observation, "updated_at")
    params = [
        (indicator_id, organisation_id, year, value, note or "", batch_id, now)
        for _row, indicator_id, organisation_id, year, value, note in rows
    ]
    _insert(sql, params, done)


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
    sql = _statement(ObservationChange, columns, "INSERT INTO {table} ({columns}) VALUES ({marks})")
    changed_at = _now_for(ObservationChange, "changed_at")
    _insert(
        sql,
        [
            (pk, old, value, old_note, batch_id, changed_at)
            for _row, pk, value, _note, old, old_note in rows
        ],
        None,
    )
