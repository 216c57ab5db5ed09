"""Web import of cadastral map files: upload, then follow the job."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lis.core.errors import NotFoundError
from lis.exchange.forms import ParcelImportForm
from lis.exchange.jobs import job_progress, phase_label, submit_import
from lis.exchange.models import ImportJob

IMPORT_PERMISSION = "exchange.run_import"


def _job_for_user(user, job_id: int) -> ImportJob:
    """An import job of the user (staff see all); others are "not found"."""
    jobs = ImportJob.objects.all()
    if not user.is_staff:
        jobs = jobs.filter(created_by=user)
    try:
        return jobs.get(pk=job_id)
    except ImportJob.DoesNotExist as err:
        raise NotFoundError() from err


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = ParcelImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = submit_import(
            upload=form.cleaned_data["file"],
            options=form.import_options(),
            acting_user=request.user,
        )
        return redirect("exchange:job", job_id=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "exchange/upload.html", {"form": form, "recent": recent})


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        import_job = _job_for_user(request.user, job_id)
    except NotFoundError as err:
        raise Http404() from err
    progress = job_progress(import_job)
    return render(
        request,
        "exchange/job.html",
        {
            "job": import_job,
            "progress": progress,
            "phase": phase_label(progress["phase"]),
        },
    )


@require_GET
@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    try:
        import_job = _job_for_user(request.user, job_id)
    except NotFoundError as err:
        return JsonResponse(
            {"error": {"code": err.code, "message": str(err.message)}}, status=404
        )
    progress = job_progress(import_job)
    return JsonResponse(
        {
            "status": import_job.status,
            "status_label": import_job.get_status_display(),
            "finished": import_job.is_finished,
            "progress": progress,
            "phase_label": phase_label(progress["phase"]),
        }
    )
