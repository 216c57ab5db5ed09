"""Grant rights on parcels and issue certificates."""

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from lis.cadastre.errors import DuplicateCertificateError, ShareExceededError
from lis.cadastre.models import (
    Certificate,
    CertificateStatus,
    LandUser,
    Parcel,
    Right,
    RightKind,
)
from lis.cadastre.serials import canonical_serial
from lis.core import audit
from lis.core.text import compact_key

logger = logging.getLogger(__name__)


def issue_certificate(
    *,
    serial_number: str,
    issue_date: date,
    register_number: str = "",
    issuer: str = "",
    acting_user,
) -> Certificate:
    """Record a certificate by its serial (số phát hành), unique nationwide."""
    serial = canonical_serial(serial_number)
    with transaction.atomic():
        if Certificate.objects.filter(serial_number=serial).exists():
            raise DuplicateCertificateError()
        certificate = Certificate.objects.create(
            serial_number=serial,
            serial_key=compact_key(serial),
            register_number=register_number.strip(),
            issue_date=issue_date,
            issuer=issuer,
            status=CertificateStatus.VALID,
        )
        audit.record("certificate.issue", actor=acting_user, target=certificate)
    return certificate


def grant_right(
    *,
    parcel: Parcel,
    holder: LandUser,
    share: Decimal = Decimal(1),
    kind: str = RightKind.LAND_USE,
    origin: str = "",
    certificate: Certificate | None = None,
    acting_user,
) -> Right:
    """Record a holder's right on a parcel; the holders' shares stay ≤ 1."""
    with transaction.atomic():
        Parcel.objects.select_for_update().get(pk=parcel.pk)
        held = (
            Right.objects.filter(parcel=parcel, kind=kind).aggregate(
                total=Sum("share")
            )["total"]
            or 0
        )
        if Decimal(held) + Decimal(share) > 1:
            raise ShareExceededError()
        right = Right.objects.create(
            parcel=parcel,
            holder=holder,
            share=share,
            kind=kind,
            origin=origin,
            certificate=certificate,
        )
        audit.record(
            "right.grant",
            actor=acting_user,
            target=right,
            parcel_id=parcel.pk,
            holder_id=holder.pk,
        )
    return right
