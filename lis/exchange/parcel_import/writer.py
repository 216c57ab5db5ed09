"""Writing accepted candidates to the cadastre in bulk, in the caller's
transaction."""

from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

import shapely
from django.contrib.gis.geos import GEOSGeometry

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

WRITE_BATCH = 2000
Progress = Callable[[str, int, int], None]


def write_candidates(
    candidates: list[Candidate], *, srid: int, survey_srid: int, progress: Progress
) -> dict[str, int]:
    """Create sheets, parcels, purposes, land users, certificates and rights."""
    sheets, new_sheets = _sheets(candidates, survey_srid)
    parcels = _parcels(candidates, sheets, srid, progress)
    holders, new_users = _holders(candidates)
    certificates = _certificates(candidates)
    rights = _rights(candidates, parcels, holders, certificates)
    refresh_sheet_outlines(sorted({s.pk for s in sheets.values()}))
    return {
        "parcels": len(parcels),
        "map_sheets": new_sheets,
        "land_users": new_users,
        "certificates": len(certificates),
        "rights": rights,
    }


def _sheets(candidates: list[Candidate], survey_srid: int) -> tuple[dict, int]:
    wanted: dict[tuple[int, int], Candidate] = {}
    for c in candidates:
        wanted.setdefault((c.commune.pk, c.sheet), c)
    existing = {
        (s.commune_id, s.number): s
        for s in MapSheet.objects.filter(commune_id__in={k[0] for k in wanted})
    }
    missing = [
        MapSheet(commune=c.commune, number=c.sheet, scale=c.scale, srid=survey_srid)
        for key, c in wanted.items()
        if key not in existing
    ]
    for sheet in MapSheet.objects.bulk_create(missing):
        existing[(sheet.commune_id, sheet.number)] = sheet
    return existing, len(missing)


def _parcels(
    candidates: list[Candidate], sheets: dict, srid: int, progress: Progress
) -> dict[int, Parcel]:
    created: dict[int, Parcel] = {}
    total = len(candidates)
    for start in range(0, total, WRITE_BATCH):
        batch = candidates[start : start + WRITE_BATCH]
        wkbs = shapely.to_wkb([c.geom for c in batch])
        parcels = [
            Parcel(
                map_sheet=sheets[(c.commune.pk, c.sheet)],
                parcel_number=c.parcel,
                commune=c.current_commune,
                geom=GEOSGeometry(memoryview(wkb), srid=srid),
                legal_area_m2=c.legal_area,
                computed_area_m2=c.computed_area,
                address=c.address,
                uid=c.uid,
            )
            for c, wkb in zip(batch, wkbs)
        ]
        Parcel.objects.bulk_create(parcels)
        LandUsePurpose.objects.bulk_create(
            LandUsePurpose(
                parcel=p,
                land_use_type=c.land_use_type,
                area_m2=c.legal_area,
                long_term=c.long_term,
                term_end=c.term_end,
            )
            for c, p in zip(batch, parcels)
        )
        created.update({c.feature: p for c, p in zip(batch, parcels)})
        progress("write", min(start + WRITE_BATCH, total), total)
    return created


def _owner_key(owner: OwnerCandidate) -> tuple | None:
    if owner.document_number:
        return (owner.document_kind, owner.document_number)
    return None


def _holders(candidates: list[Candidate]) -> tuple[dict, int]:
    """Map each owner to a land user: the one holding the same document, or new."""
    documents = {
        _owner_key(o): o for c in candidates for o in c.owners if _owner_key(o)
    }
    known: dict[tuple, int] = {}
    numbers = sorted({number for _kind, number in documents})
    for start in range(0, len(numbers), 500):
        rows = IdentityDocument.objects.filter(
            number__in=numbers[start : start + 500]
        ).values_list("kind", "number", "holder_id")
        known.update({(kind, number): holder for kind, number, holder in rows})

    new_by_key = {key: o for key, o in documents.items() if key not in known}
    anonymous = [
        (c.feature, i, o)
        for c in candidates
        for i, o in enumerate(c.owners)
        if not _owner_key(o)
    ]
    owners = list(new_by_key.values()) + [o for _f, _i, o in anonymous]
    users = LandUser.objects.bulk_create(
        [_land_user(o) for o in owners], batch_size=WRITE_BATCH
    )
    keyed = list(new_by_key)
    IdentityDocument.objects.bulk_create(
        [
            IdentityDocument(holder=user, kind=key[0], number=key[1])
            for key, user in zip(keyed, users)
        ],
        batch_size=WRITE_BATCH,
    )
    holders = {("doc", *key): holder for key, holder in known.items()}
    holders.update({("doc", *key): user.pk for key, user in zip(keyed, users)})
    for (feature, index, _owner), user in zip(anonymous, users[len(keyed) :]):
        holders[("anon", feature, index)] = user.pk
    return holders, len(users)


def _land_user(owner: OwnerCandidate) -> LandUser:
    return LandUser(
        kind=owner.kind,
        full_name=owner.name,
        name_key=owner.name_key,
        birth_year=owner.birth_year,
        object_type=owner.object_type,
    )


def _certificates(candidates: list[Candidate]) -> dict[str, Certificate]:
    wanted = {}
    for c in candidates:
        if c.certificate and c.certificate.serial not in wanted:
            cert = c.certificate
            wanted[cert.serial] = Certificate(
                serial_number=cert.serial,
                serial_key=cert.serial_key,
                register_number=cert.register_number,
                issue_date=cert.issue_date,
                status=CertificateStatus.VALID,
            )
    created = Certificate.objects.bulk_create(
        list(wanted.values()), batch_size=WRITE_BATCH
    )
    return {cert.serial_number: cert for cert in created}


def _shares(count: int) -> list[Decimal]:
    """Equal shares summing to exactly 1 (the last takes the remainder)."""
    share = (Decimal(1) / count).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
    return [share] * (count - 1) + [Decimal(1) - share * (count - 1)]


def _rights(
    candidates: list[Candidate], parcels: dict, holders: dict, certificates: dict
) -> int:
    rights = []
    for c in candidates:
        if not c.owners:
            continue
        cert = certificates.get(c.certificate.serial) if c.certificate else None
        for index, (owner, share) in enumerate(zip(c.owners, _shares(len(c.owners)))):
            key = _owner_key(owner)
            holder = (
                holders[("doc", *key)] if key else holders[("anon", c.feature, index)]
            )
            rights.append(
                Right(
                    kind=RightKind.LAND_USE,
                    parcel=parcels[c.feature],
                    holder_id=holder,
                    share=share,
                    certificate=cert,
                )
            )
    Right.objects.bulk_create(rights, batch_size=WRITE_BATCH)
    return len(rights)
