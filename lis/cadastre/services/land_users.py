"""Create land users with their identity documents."""

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from lis.cadastre.errors import DuplicateDocumentError
from lis.cadastre.identity import check_document_number
from lis.cadastre.models import IdentityDocument, LandUser
from lis.core import audit
from lis.core.text import search_key, to_nfc
from lis.reference.models import LandUserObjectType

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    number: str
    issue_date: date | None = None
    issuer: str = ""


def create_land_user(
    *,
    kind: str,
    full_name: str,
    documents: list[DocumentInput] = (),
    birth_year: int | None = None,
    address: str = "",
    object_type: LandUserObjectType | None = None,
    acting_user,
) -> LandUser:
    """Record a land user; names are stored NFC with a diacritic-free key.

    An identity document belongs to one land user only (one person, one
    record), so a number already on file is refused.
    """
    checked = [(d, check_document_number(d.kind, d.number)) for d in documents]

    with transaction.atomic():
        for doc, number in checked:
            if IdentityDocument.objects.filter(kind=doc.kind, number=number).exists():
                raise DuplicateDocumentError()
        name = to_nfc(full_name)
        user = LandUser.objects.create(
            kind=kind,
            full_name=name,
            name_key=search_key(name),
            birth_year=birth_year,
            address=to_nfc(address),
            object_type=object_type,
        )
        IdentityDocument.objects.bulk_create(
            IdentityDocument(
                holder=user,
                kind=doc.kind,
                number=number,
                issue_date=doc.issue_date,
                issuer=doc.issuer,
            )
            for doc, number in checked
        )
        audit.record("land_user.create", actor=acting_user, target=user)
    logger.info("Land user %s created", user.pk, extra={"land_user_id": user.pk})
    return user
