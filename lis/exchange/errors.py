"""Errors that refuse a whole file before any feature is read."""

from django.utils.translation import gettext_lazy as _

from lis.core.errors import DomainError


class ImportRefusedError(DomainError):
    code = "import_refused"
    default_message = _("The file cannot be imported.")


class MissingCRSError(ImportRefusedError):
    code = "missing_crs"
    default_message = _(
        "The file declares no coordinate reference system. Name the one it was"
        " drawn in (for example EPSG:9212, VN-2000 / TM-3 106°15′)."
    )
