"""Writing a checked land register in bulk, in the caller's transaction."""

from django.utils.translation import gettext as _

from lis.cadastre.models import (
    Certificate,
    CertificateStatus,
    IdentityDocument,
    LandUser,
    Parcel,
    Right,
    RightKind,
)
from lis.exchange.errors import ImportRefusedError
from lis.exchange.land_register.checks import ParcelGroup
from lis.exchange.land_register.entries import OwnerEntry

WRITE_BATCH = 2000
QUERY_CHUNK = 500


def _lock_parcels(groups: list[ParcelGroup]) -> None:
    """Lock the parcels in key order; one that gained rights since the checks
    refuses the import, which leaves nothing behind."""
    ids = sorted(g.parcel_id for g in groups)
    for start in range(0, len(ids), QUERY_CHUNK):
        chunk = ids[start : start + QUERY_CHUNK]
        list(Parcel.objects.select_for_update().filter(pk__in=chunk).order_by("pk"))
        if Right.objects.filter(parcel_id__in=chunk).exists():
            raise ImportRefusedError(
                _(
                    "Data saved meanwhile conflicts with this file; run the import again."
                )
            )


def _land_user(entry: OwnerEntry) -> LandUser:
    return LandUser(
        kind=entry.kind,
        full_name=entry.name,
        name_key=entry.name_key,
        birth_year=entry.birth_year,
        address=entry.address,
        object_type=entry.object_type,
    )


def _holders(entries: list[OwnerEntry]) -> tuple[dict, int]:
    """Each row's land user: the holder of its document, else a new one."""
    documents = {e.document: e for e in entries if e.document is not None}
    known: dict[tuple, int] = {}
    numbers = sorted({number for _kind, number in documents})
    for start in range(0, len(numbers), QUERY_CHUNK):
        rows = IdentityDocument.objects.filter(
            number__in=numbers[start : start + QUERY_CHUNK]
        ).values_list("kind", "number", "holder_id")
        known.update({(kind, number): holder for kind, number, holder in rows})
    new_documents = [key for key in documents if key not in known]
    anonymous = [e for e in entries if e.document is None]
    users = LandUser.objects.bulk_create(
        [_land_user(documents[key]) for key in new_documents]
        + [_land_user(e) for e in anonymous],
        batch_size=WRITE_BATCH,
    )
    IdentityDocument.objects.bulk_create(
        [
            IdentityDocument(
                holder=user,
                kind=key[0],
                number=key[1],
                issue_date=documents[key].document_date,
                issuer=documents[key].document_issuer,
            )
            for key, user in zip(new_documents, users)
        ],
        batch_size=WRITE_BATCH,
    )
    by_document = dict(known)
    by_document.update({key: user.pk for key, user in zip(new_documents, users)})
    holders = {e.row: by_document[e.document] for e in entries if e.document}
    holders.update(
        {e.row: user.pk for e, user in zip(anonymous, users[len(new_documents) :])}
    )
    return holders, len(users)


def _certificates(groups: list[ParcelGroup]) -> dict[str, Certificate]:
    wanted = {}
    for group in groups:
        facts = group.certificate
        if facts is not None and facts.serial not in wanted:
            wanted[facts.serial] = Certificate(
                serial_number=facts.serial,
                serial_key=facts.serial_key,
                register_number=facts.register_number,
                issue_date=facts.issue_date,
                issuer=facts.issuer,
                status=CertificateStatus.VALID,
            )
    created = Certificate.objects.bulk_create(list(wanted.values()))
    return {c.serial_number: c for c in created}


def write_register(groups: list[ParcelGroup]) -> dict[str, int]:
    """Create the land users, documents, certificates and rights of `groups`."""
    _lock_parcels(groups)
    entries = [e for g in groups for e in g.entries]
    holders, new_users = _holders(entries)
    certificates = _certificates(groups)
    rights = [
        Right(
            kind=RightKind.LAND_USE,
            parcel_id=group.parcel_id,
            holder_id=holders[entry.row],
            share=share,
            origin=group.origin,
            certificate=certificates.get(group.certificate.serial)
            if group.certificate
            else None,
        )
        for group in groups
        for entry, share in zip(group.entries, group.shares)
    ]
    Right.objects.bulk_create(rights, batch_size=WRITE_BATCH)
    return {
        "parcels": len(groups),
        "land_users": new_users,
        "certificates": len(certificates),
        "rights": len(rights),
    }
