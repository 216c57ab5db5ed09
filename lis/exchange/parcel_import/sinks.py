"""Inserting many rows of one table and getting their ids back.

PostgreSQL takes them through COPY, with ids reserved from the table's
sequence first (tens of thousands of rows a second, where the ORM manages a
few thousand). SQLite, the embedded database of small offices, takes them
through the ORM's bulk insert. Either way the rows are in the caller's
transaction and meet the database's constraints.
"""

from collections.abc import Sequence

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.db import models

BULK_SIZE = 2000


class Sink:
    def insert(
        self,
        model: type[models.Model],
        columns: list[str],
        rows: Sequence[tuple],
        *,
        returning_ids: bool = True,
    ) -> list[int]:
        """Insert `rows` (values in the order of `columns`); return their ids.

        Geometry values are hex EWKB carrying their SRID. Without
        `returning_ids` the database numbers the rows and nothing is returned.
        """
        raise NotImplementedError


def _geometry_positions(model: type[models.Model], columns: list[str]) -> list[int]:
    return [
        i
        for i, name in enumerate(columns)
        if isinstance(model._meta.get_field(name), GeometryField)
    ]


class OrmSink(Sink):
    def insert(self, model, columns, rows, *, returning_ids=True):
        if not rows:
            return []
        geometry = set(_geometry_positions(model, columns))
        objects = []
        for row in rows:
            values = {}
            for i, (name, value) in enumerate(zip(columns, row, strict=True)):
                if i in geometry and value is not None:
                    value = GEOSGeometry(value)
                values[name] = value
            objects.append(model(**values))
        model.objects.bulk_create(objects, batch_size=BULK_SIZE)
        return [obj.pk for obj in objects] if returning_ids else []


class CopySink(Sink):
    def __init__(self, connection) -> None:
        self.connection = connection

    def _reserve_ids(self, table: str, count: int) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))"
                " FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def insert(self, model, columns, rows, *, returning_ids=True):
        if not rows:
            return []
        quote = self.connection.ops.quote_name
        table = model._meta.db_table
        names = [model._meta.get_field(name).column for name in columns]
        if not returning_ids:
            self._copy(
                f"COPY {quote(table)} ({', '.join(map(quote, names))}) FROM STDIN", rows
            )
            return []
        ids = self._reserve_ids(table, len(rows))
        with_ids = ", ".join(map(quote, ["id", *names]))
        self._copy(
            f"COPY {quote(table)} ({with_ids}) FROM STDIN",
            [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
        )
        return ids

    def _copy(self, sql: str, rows: Sequence[tuple]) -> None:
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def sink_for(connection) -> Sink:
    """COPY on PostgreSQL, the ORM elsewhere."""
    if connection.vendor == "postgresql":
        return CopySink(connection)
    return OrmSink()
