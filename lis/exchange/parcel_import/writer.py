"""Writing accepted candidates to the cadastre, chunk by chunk, in the
caller's transaction.

Rows go to PostgreSQL with COPY and to SQLite through the ORM's bulk insert
(see `sinks`). Land users are matched by identity document across chunks and
with the database; certificates by serial.
"""

from collections import Counter
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

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
from lis.exchange.parcel_import.candidates import Candidate, OwnerCandidate
from lis.exchange.parcel_import.sinks import Sink, sink_for

Progress = Callable[[str, int, int], None]


def _shares(count: int) -> list[Decimal]:
    """Equal shares summing to exactly 1 (the last takes the remainder)."""
    share = (Decimal(1) / count).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


def _document(owner: OwnerCandidate) -> tuple[str, str] | None:
    if owner.document_number:
        return (owner.document_kind, owner.document_number)
    return None


class ImportWriter:
    """Creates sheets, parcels, purposes, land users, certificates and rights."""

    def __init__(
        self, *, srid: int, survey_srid: int, sink: Sink | None = None
    ) -> None:
        self.srid = srid
        self.survey_srid = survey_srid
        self.sink = sink or sink_for(connection)
        self.now = timezone.now()
        self.sheets: dict[tuple[int, int], int] = {}
        self.holders: dict[tuple[str, str], int] = {}
        self.certificates: dict[str, int] = {}
        self.counts: Counter = Counter()

    def write(self, candidates: list[Candidate]) -> None:
        """Write one chunk of candidates."""
        if not candidates:
            return
        self._ensure_sheets(candidates)
        parcel_ids = self._parcels(candidates)
        self._purposes(candidates, parcel_ids)
        self._ensure_holders(candidates)
        self._ensure_certificates(candidates)
        self._rights(candidates, parcel_ids)

    def finish(self) -> dict[str, int]:
        """Outline the sheets written to; return the counts of created rows."""
        refresh_sheet_outlines(sorted(set(self.sheets.values())))
        return {
            "parcels": self.counts["parcels"],
            "map_sheets": self.counts["map_sheets"],
            "land_users": self.counts["land_users"],
            "certificates": self.counts["certificates"],
            "rights": self.counts["rights"],
        }

    def _ensure_sheets(self, candidates: list[Candidate]) -> None:
        wanted = {}
        for c in candidates:
            if (c.commune.pk, c.sheet) not in self.sheets:
                wanted.setdefault((c.commune.pk, c.sheet), c.scale)
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
            [
                (commune, number, scale, self.survey_srid)
                for (commune, number), scale in missing
            ],
        )
        for ((commune, number), _scale), pk in zip(missing, ids, strict=True):
            self.sheets[(commune, number)] = pk
        self.counts["map_sheets"] += len(missing)

    def _parcels(self, candidates: list[Candidate]) -> list[int]:
        rows = [
            (
                self.sheets[(c.commune.pk, c.sheet)],
                c.parcel,
                c.current_commune.pk,
                c.geom,
                c.legal_area,
                c.computed_area,
                c.address,
                c.uid,
                self.now,
                self.now,
            )
            for c in candidates
        ]
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
            rows,
            geometry_srid=self.srid,
        )
        self.counts["parcels"] += len(ids)
        return ids

    def _purposes(self, candidates: list[Candidate], parcel_ids: list[int]) -> None:
        self.sink.insert(
            LandUsePurpose,
            ["parcel_id", "land_use_type_id", "area_m2", "long_term", "term_end"],
            [
                (pk, c.land_use_type.pk, c.legal_area, c.long_term, c.term_end)
                for c, pk in zip(candidates, parcel_ids, strict=True)
            ],
        )

    def _ensure_holders(self, candidates: list[Candidate]) -> None:
        documents = {
            doc: owner
            for c in candidates
            for owner in c.owners
            if (doc := _document(owner)) and doc not in self.holders
        }
        numbers = sorted({number for _kind, number in documents})
        for start in range(0, len(numbers), 500):
            rows = IdentityDocument.objects.filter(
                number__in=numbers[start : start + 500]
            ).values_list("kind", "number", "holder_id")
            self.holders.update(
                {(kind, number): holder for kind, number, holder in rows}
            )
        new = [
            (doc, owner) for doc, owner in documents.items() if doc not in self.holders
        ]
        ids = self._create_users([owner for _doc, owner in new])
        self.sink.insert(
            IdentityDocument,
            ["holder_id", "kind", "number", "issuer"],
            [
                (pk, doc[0], doc[1], "")
                for (doc, _owner), pk in zip(new, ids, strict=True)
            ],
        )
        for (doc, _owner), pk in zip(new, ids, strict=True):
            self.holders[doc] = pk

    def _create_users(self, owners: list[OwnerCandidate]) -> list[int]:
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
                (
                    o.kind,
                    o.name,
                    o.name_key,
                    o.birth_year,
                    "",
                    o.object_type.pk if o.object_type else None,
                )
                for o in owners
            ],
        )
        self.counts["land_users"] += len(ids)
        return ids

    def _ensure_certificates(self, candidates: list[Candidate]) -> None:
        new = {}
        for c in candidates:
            cert = c.certificate
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
                (
                    c.serial,
                    c.serial_key,
                    c.register_number,
                    c.issue_date,
                    "",
                    CertificateStatus.VALID,
                )
                for c in new.values()
            ],
        )
        self.certificates.update(zip(new, ids, strict=True))
        self.counts["certificates"] += len(ids)

    def _rights(self, candidates: list[Candidate], parcel_ids: list[int]) -> None:
        anonymous = [o for c in candidates for o in c.owners if not _document(o)]
        anonymous_ids = iter(self._create_users(anonymous))
        rows = []
        for c, parcel_id in zip(candidates, parcel_ids, strict=True):
            if not c.owners:
                continue
            cert = self.certificates[c.certificate.serial] if c.certificate else None
            for owner, share in zip(c.owners, _shares(len(c.owners)), strict=True):
                doc = _document(owner)
                holder = self.holders[doc] if doc else next(anonymous_ids)
                rows.append((RightKind.LAND_USE, parcel_id, holder, share, "", cert))
        self.sink.insert(
            Right,
            ["kind", "parcel_id", "holder_id", "share", "origin", "certificate_id"],
            rows,
        )
        self.counts["rights"] += len(rows)


def write_candidates(
    candidates: list[Candidate], *, srid: int, survey_srid: int, progress: Progress
) -> dict[str, int]:
    """Write a list held in memory (see `ImportWriter` for streams)."""
    writer = ImportWriter(srid=srid, survey_srid=survey_srid)
    step = 2000
    for start in range(0, len(candidates), step):
        writer.write(candidates[start : start + step])
        progress("write", min(start + step, len(candidates)), len(candidates))
    return writer.finish()
