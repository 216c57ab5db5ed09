"""Web imports run as background jobs; their progress lives in the cache,
where the web server can read it while the import's transaction is open."""

import logging
from dataclasses import asdict
from pathlib import Path

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core import audit
from lis.core.errors import DomainError
from lis.exchange.models import ImportJob, ImportStatus
from lis.exchange.parcel_import.service import ImportOptions, import_parcel_file

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 24 * 3600
PHASE_LABELS = {
    "queued": gettext_lazy("waiting"),
    "read": gettext_lazy("reading"),
    "validate": gettext_lazy("validating"),
    "check": gettext_lazy("checking"),
    "write": gettext_lazy("saving"),
}


def _progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def submit_import(
    *, upload: UploadedFile, options: ImportOptions, acting_user
) -> ImportJob:
    """Store the uploaded file and queue its import."""
    from lis.exchange.tasks import run_import_job

    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=acting_user,
            original_name=Path(upload.name).name[:255],
            file=upload,
            options=asdict(options),
        )
        audit.record("import_job.submit", actor=acting_user, target=job)
        transaction.on_commit(lambda: run_import_job(job.pk))
    return job


def job_progress(job: ImportJob) -> dict:
    """The job's phase and counts, as the running import last reported them."""
    return cache.get(_progress_key(job.pk)) or {
        "phase": "queued",
        "done": 0,
        "total": 0,
    }


def phase_label(phase: str) -> str:
    return str(PHASE_LABELS.get(phase, phase))


def run_job(job_id: int) -> None:
    """Run a queued import job; the report or the error is kept on the job."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(
            _progress_key(job_id),
            {"phase": phase, "done": done, "total": total},
            PROGRESS_SECONDS,
        )

    try:
        report = import_parcel_file(
            Path(job.file.path),
            ImportOptions(**job.options),
            acting_user=job.created_by,
            progress=progress,
            file_name=job.original_name,
        )
    except DomainError as err:
        _finish(job, ImportStatus.FAILED, error=str(err.message))
    except Exception:
        _finish(
            job,
            ImportStatus.FAILED,
            error=_("Internal error; the operator has the log."),
        )
        raise
    else:
        status = ImportStatus.SUCCEEDED if report.committed else ImportStatus.REJECTED
        _finish(job, status, report=report.as_dict())


def _finish(
    job: ImportJob, status: str, *, error: str = "", report: dict | None = None
) -> None:
    job.status, job.error, job.report = status, error, report or {}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "report", "finished_at"])
    logger.info("Import job %s finished: %s", job.pk, status)
