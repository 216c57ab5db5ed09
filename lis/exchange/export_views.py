"""Web export of parcels: a selection downloaded as a file.

The export runs inside the request, for selections up to
`LIS_EXPORT_WEB_MAX_PARCELS` parcels (default 50,000); larger ones are
refused with a pointer to `lis export-parcels`.
"""

# TODO(#3): exports as background jobs with progress, as imports are, need
# an ExportJob model (owner, selection, format, status, file, counts) in
# lis/exchange/models.py; until then the web export is synchronous.

import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from lis.cadastre.selectors import PARCEL_PERMISSION, can_read_personal_data
from lis.core.errors import DomainError
from lis.exchange.export import SUFFIXES, ExportFormat, ExportResult, export_parcels
from lis.exchange.export.forms import ParcelExportForm

# openpyxl writes some 40,000 cells a second: the workbook of 20,000
# parcels, vertex table included, takes about 40 s, well within the web
# server's timeout (120 s); the other formats take a few seconds.
XLSX_WEB_MAX_PARCELS = 20_000
DOWNLOAD_STEM = "thua_dat"


def web_max_parcels(fmt: str | None = None) -> int:
    limit = settings.LIS_EXPORT_WEB_MAX_PARCELS
    if fmt == ExportFormat.XLSX:
        return min(limit, XLSX_WEB_MAX_PARCELS)
    return limit


def _download_name(form: ParcelExportForm) -> str:
    data = form.cleaned_data
    parts = [DOWNLOAD_STEM]
    if data["commune"]:
        parts.append(data["commune"])
        if data["sheet"]:
            parts.append(f"to{data['sheet']}")
    suffix = (
        ".zip" if data["format"] == ExportFormat.SHAPEFILE else SUFFIXES[data["format"]]
    )
    return "_".join(parts) + suffix


def _opened(result: ExportResult):
    """The file to send, open; a Shapefile's parts zipped together.

    The open file outlives its folder, which is removed after this.
    """
    if result.format != ExportFormat.SHAPEFILE:
        return result.path.open("rb")
    archive = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for part in result.files:
            zipped.write(part, arcname=part.name)
    archive.seek(0)
    return archive


def _export(request: HttpRequest, form: ParcelExportForm) -> FileResponse:
    fmt = form.cleaned_data["format"]
    with tempfile.TemporaryDirectory(prefix="lis-export-") as folder:
        result = export_parcels(
            form.selection(),
            Path(folder) / f"{DOWNLOAD_STEM}{SUFFIXES[fmt]}",
            fmt=fmt,
            crs_srid=form.crs_srid(),
            acting_user=request.user,
            max_parcels=web_max_parcels(fmt),
        )
        download = _opened(result)
    return FileResponse(download, as_attachment=True, filename=_download_name(form))


@login_required
@permission_required(PARCEL_PERMISSION, raise_exception=True)
def export(request: HttpRequest) -> HttpResponse:
    form = ParcelExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return _export(request, form)
        except DomainError as err:
            form.add_error(None, str(err.message))
    return render(
        request,
        "exchange/export.html",
        {
            "form": form,
            "max_parcels": web_max_parcels(),
            "xlsx_max_parcels": web_max_parcels(ExportFormat.XLSX),
            "personal": can_read_personal_data(request.user),
        },
        status=400 if form.errors else 200,
    )
