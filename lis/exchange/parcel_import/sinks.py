"""Inserting many rows of one table and getting their ids back.

PostgreSQL takes them through COPY, with ids reserved from the table's
sequence first (tens of thousands of rows a second, where the ORM manages a
few thousand). SQLite, the embedded database of small offices, takes them
through the ORM's bulk insert. Either way the rows are in the caller's
transaction and meet the database's constraints.
"""

from collections.abc import Sequence

import shapely
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
        geometry_srid: int | None = None,
    ) -> list[int]:
        """Insert `rows` (values in the order of `columns`); return their ids."""
        raise NotImplementedError


def _geometry_positions(model: type[models.Model], columns: list[str]) -> list[int]:
    return [
        i
        for i, name in enumerate(columns)
        if isinstance(model._meta.get_field(name), GeometryField)
    ]


class OrmSink(Sink):
    def insert(self, model, columns, rows, *, geometry_srid=None):
        if not rows:
            return []
        geometry = set(_geometry_positions(model, columns))
        objects = []
        for row in rows:
            values = {}
            for i, (name, value) in enumerate(zip(columns, row, strict=True)):
                if i in geometry and value is not None:
                    value = GEOSGeometry(
                        memoryview(shapely.to_wkb(value)), srid=geometry_srid
                    )
                values[name] = value
            objects.append(model(**values))
        model.objects.bulk_create(objects, batch_size=BULK_SIZE)
        return [obj.pk for obj in objects]


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

    def insert(self, model, columns, rows, *, geometry_srid=None):
        if not rows:
            return []
        table = model._meta.db_table
        names = [model._meta.get_field(name).column for name in columns]
        geometry = set(_geometry_positions(model, columns))
        ids = self._reserve_ids(table, len(rows))
        quoted = ", ".join(self.connection.ops.quote_name(n) for n in ["id", *names])
        sql = f"COPY {self.connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *self._values(row, geometry, geometry_srid)))
        return ids

    @staticmethod
    def _values(row: tuple, geometry: set[int], srid: int | None) -> tuple:
        if not geometry:
            return row
        return tuple(
            _ewkb(value, srid) if i in geometry and value is not None else value
            for i, value in enumerate(row)
        )


def _ewkb(geom: shapely.Geometry, srid: int) -> str:
    return shapely.to_wkb(shapely.set_srid(geom, srid), hex=True, include_srid=True)


def sink_for(connection) -> Sink:
    """COPY on PostgreSQL, the ORM elsewhere."""
    if connection.vendor == "postgresql":
        return CopySink(connection)
    return OrmSink()
