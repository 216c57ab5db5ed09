"""Writing the audit trail. Services call `record` inside their transaction."""

import logging

from django.db import models

from lis.core.models import AuditRecord

logger = logging.getLogger(__name__)


def record(
    action: str,
    *,
    actor: models.Model | None,
    target: models.Model | None = None,
    **details: object,
) -> AuditRecord:
    """Append an audit record. `details` must hold ids and counts only."""
    entry = AuditRecord.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )
    logger.debug(
        "Audit %s on %s#%s",
        action,
        entry.target_type,
        entry.target_id,
        extra={"audit_id": entry.pk, "actor_id": entry.actor_id},
    )
    return entry
