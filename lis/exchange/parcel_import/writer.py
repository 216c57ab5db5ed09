"""Writing accepted features to the cadastre, chunk by chunk, in the caller's
transaction.

The import spools accepted features as plain rows (`ParcelRow`) between its
passes; the writer takes those rows. Rows go to PostgreSQL with COPY and to
SQLite through the ORM's bulk insert (see `sinks`). Land users are matched by
identity document across chunks and with the database; certificates by
serial.
"""

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

import numpy as np
import shapely
from django.db import connection
from django.utils import timezone

from lis.cadastre.models import (
    Certificate,
    CertificateStatus,
    IdentityDocument,
    LandUsePurpose,
    LandUser,
    MapSheet,
    Parcel,
    Right,
    RightKind,
)
from lis.cadastre.services.parcels import refresh_sheet_outlines
from lis.exchange.parcel_import.candidates import (
    Candidate,
    CertificateCandidate,
    OwnerCandidate,
)
from lis.exchange.parcel_import.sinks import Sink, sink_for

Progress = Callable[[str, int, int], None]
VALID = CertificateStatus.VALID.value
LAND_USE = RightKind.LAND_USE.value


class OwnerRow(NamedTuple):
    kind: str
    name: str
    name_key: str
    birth_year: int | None
    object_type_id: int | None
    document_kind: str | None
    document_number: str | None


class CertificateRow(NamedTuple):
    serial: str
    serial_key: str
    register_number: str
    issue_date: date


class ParcelRow(NamedTuple):
    """What the writer needs of an accepted feature, in plain values: they
    pickle fast, and the boundary is already hex EWKB in the storage CRS."""

    feature: int
    commune_id: int
    current_commune_id: int
    sheet: int
    parcel: int
    scale: int | None
    land_use_type_id: int
    legal_area: str
    ewkb: str
    computed_area: str
    uid: str
    address: str
    long_term: bool
    term_end: date | None
    owners: tuple[OwnerRow, ...]
    certificate: CertificateRow | None

    def plain(self) -> tuple:
        """The row as nested plain tuples, for the spool."""
        certificate = tuple(self.certificate) if self.certificate else None
        owners = tuple(tuple(o) for o in self.owners)
        return (*self[:14], owners, certificate)

    @classmethod
    def from_plain(cls, values: tuple) -> "ParcelRow":
        owners = tuple(OwnerRow._make(o) for o in values[14])
        certificate = CertificateRow._make(values[15]) if values[15] else None
        return cls._make((*values[:14], owners, certificate))


def rows_of(candidates: list[Candidate], srid: int) -> list[ParcelRow]:
    """Turn accepted candidates into rows; boundaries encoded all at once."""
    if not candidates:
        return []
    geoms = np.empty(len(candidates), dtype=object)
    geoms[:] = [c.geom for c in candidates]
    ewkbs = shapely.to_wkb(shapely.set_srid(geoms, srid), hex=True, include_srid=True)
    return [
        ParcelRow(
            c.feature,
            c.commune.pk,
            c.current_commune.pk,
            c.sheet,
            c.parcel,
            c.scale,
            c.land_use_type.pk,
            str(c.legal_area),
            ewkb,
            str(c.computed_area),
            c.uid,
            c.address,
            c.long_term,
            c.term_end,
            tuple(_owner_row(o) for o in c.owners),
            _certificate_row(c.certificate),
        )
        for c, ewkb in zip(candidates, ewkbs, strict=True)
    ]


def _owner_row(o: OwnerCandidate) -> OwnerRow:
    return OwnerRow(
        o.kind,
        o.name,
        o.name_key,
        o.birth_year,
        o.object_type.pk if o.object_type else None,
        o.document_kind,
        o.document_number,
    )


def _certificate_row(cert: CertificateCandidate | None) -> CertificateRow | None:
    if cert is None:
        return None
    return CertificateRow(
        cert.serial, cert.serial_key, cert.register_number, cert.issue_date
    )


def _shares(count: int) -> list[Decimal]:
    """Equal shares summing to exactly 1 (the last takes the remainder)."""
    share = (Decimal(1) / count).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


def _document(owner: OwnerRow) -> tuple[str, str] | None:
    if owner.document_number:
        return (owner.document_kind, owner.document_number)
    return None


class ImportWriter:
    """Creates sheets, parcels, purposes, land users, certificates and rights."""

    def __init__(self, *, survey_srid: int, sink: Sink | None = None) -> None:
        self.survey_srid = survey_srid
        self.sink = sink or sink_for(connection)
        self.now = timezone.now()
        self.sheets: dict[tuple[int, int], int] = {}
        self.holders: dict[tuple[str, str], int] = {}
        self.certificates: dict[str, int] = {}
        self.counts: Counter = Counter()

    def write(self, rows: list[ParcelRow]) -> None:
        """Write one chunk of rows."""
        if not rows:
            return
        self._ensure_sheets(rows)
        parcel_ids = self._parcels(rows)
        self._purposes(rows, parcel_ids)
        self._ensure_holders(rows)
        self._ensure_certificates(rows)
        self._rights(rows, parcel_ids)

    def finish(self) -> dict[str, int]:
        """Outline the sheets written to; return the counts of created rows."""
        refresh_sheet_outlines(sorted(set(self.sheets.values())))
        return {
            name: self.counts[name]
            for name in (
                "parcels",
                "map_sheets",
                "land_users",
                "certificates",
                "rights",
            )
        }

    def _ensure_sheets(self, rows: list[ParcelRow]) -> None:
        wanted = {}
        for r in rows:
            if (r.commune_id, r.sheet) not in self.sheets:
                wanted.setdefault((r.commune_id, r.sheet), r.scale)
        if not wanted:
            return
        existing = MapSheet.objects.filter(
            commune_id__in={commune for commune, _sheet in wanted}
        ).values_list("commune_id", "number", "pk")
        for commune, number, pk in existing:
            self.sheets[(commune, number)] = pk
        missing = [(k, scale) for k, scale in wanted.items() if k not in self.sheets]
        ids = self.sink.insert(
            MapSheet,
            ["commune_id", "number", "scale", "srid"],
            [(c, n, scale, self.survey_srid) for (c, n), scale in missing],
        )
        for (key, _scale), pk in zip(missing, ids, strict=True):
            self.sheets[key] = pk
        self.counts["map_sheets"] += len(missing)

    def _parcels(self, rows: list[ParcelRow]) -> list[int]:
        ids = self.sink.insert(
            Parcel,
            [
                "map_sheet_id",
                "parcel_number",
                "commune_id",
                "geom",
                "legal_area_m2",
                "computed_area_m2",
                "address",
                "uid",
                "created_at",
                "updated_at",
            ],
            [
                (
                    self.sheets[(r.commune_id, r.sheet)],
                    r.parcel,
                    r.current_commune_id,
                    r.ewkb,
                    r.legal_area,
                    r.computed_area,
                    r.address,
                    r.uid,
                    self.now,
                    self.now,
                )
                for r in rows
            ],
        )
        self.counts["parcels"] += len(ids)
        return ids

    def _purposes(self, rows: list[ParcelRow], parcel_ids: list[int]) -> None:
        self.sink.insert(
            LandUsePurpose,
            ["parcel_id", "land_use_type_id", "area_m2", "long_term", "term_end"],
            [
                (pk, r.land_use_type_id, r.legal_area, r.long_term, r.term_end)
                for r, pk in zip(rows, parcel_ids, strict=True)
            ],
            returning_ids=False,
        )

    def _ensure_holders(self, rows: list[ParcelRow]) -> None:
        documents = {
            doc: owner
            for r in rows
            for owner in r.owners
            if (doc := _document(owner)) and doc not in self.holders
        }
        numbers = sorted({number for _kind, number in documents})
        for start in range(0, len(numbers), 500):
            found = IdentityDocument.objects.filter(
                number__in=numbers[start : start + 500]
            ).values_list("kind", "number", "holder_id")
            self.holders.update({(kind, number): pk for kind, number, pk in found})
        new = [
            (doc, owner) for doc, owner in documents.items() if doc not in self.holders
        ]
        ids = self._create_users([owner for _doc, owner in new])
        self.sink.insert(
            IdentityDocument,
            ["holder_id", "kind", "number", "issuer"],
            [(pk, doc[0], doc[1], "") for (doc, _o), pk in zip(new, ids, strict=True)],
            returning_ids=False,
        )
        for (doc, _owner), pk in zip(new, ids, strict=True):
            self.holders[doc] = pk

    def _create_users(self, owners: list[OwnerRow]) -> list[int]:
        ids = self.sink.insert(
            LandUser,
            [
                "kind",
                "full_name",
                "name_key",
                "birth_year",
                "address",
                "object_type_id",
            ],
            [
                (o.kind, o.name, o.name_key, o.birth_year, "", o.object_type_id)
                for o in owners
            ],
        )
        self.counts["land_users"] += len(ids)
        return ids

    def _ensure_certificates(self, rows: list[ParcelRow]) -> None:
        new = {}
        for r in rows:
            cert = r.certificate
            if cert and cert.serial not in self.certificates and cert.serial not in new:
                new[cert.serial] = cert
        ids = self.sink.insert(
            Certificate,
            [
                "serial_number",
                "serial_key",
                "register_number",
                "issue_date",
                "issuer",
                "status",
            ],
            [
                (c.serial, c.serial_key, c.register_number, c.issue_date, "", VALID)
                for c in new.values()
            ],
        )
        self.certificates.update(zip(new, ids, strict=True))
        self.counts["certificates"] += len(ids)

    def _rights(self, rows: list[ParcelRow], parcel_ids: list[int]) -> None:
        anonymous = [o for r in rows for o in r.owners if not _document(o)]
        anonymous_ids = iter(self._create_users(anonymous))
        values = []
        for r, parcel_id in zip(rows, parcel_ids, strict=True):
            if not r.owners:
                continue
            cert = self.certificates[r.certificate.serial] if r.certificate else None
            for owner, share in zip(r.owners, _shares(len(r.owners)), strict=True):
                doc = _document(owner)
                holder = self.holders[doc] if doc else next(anonymous_ids)
                values.append((LAND_USE, parcel_id, holder, share, "", cert))
        self.sink.insert(
            Right,
            ["kind", "parcel_id", "holder_id", "share", "origin", "certificate_id"],
            values,
            returning_ids=False,
        )
        self.counts["rights"] += len(values)


def write_candidates(
    candidates: list[Candidate], *, srid: int, survey_srid: int, progress: Progress
) -> dict[str, int]:
    """Write a list of candidates held in memory (imports stream rows instead)."""
    writer = ImportWriter(survey_srid=survey_srid)
    step = 2000
    for start in range(0, len(candidates), step):
        writer.write(rows_of(candidates[start : start + step], srid))
        progress("write", min(start + step, len(candidates)), len(candidates))
    return writer.finish()
