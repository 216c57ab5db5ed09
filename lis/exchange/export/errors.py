"""Errors that refuse an export before any file is written."""

from django.utils.translation import gettext_lazy as _

from lis.core.errors import DomainError


class ExportRefusedError(DomainError):
    code = "export_refused"
    default_message = _("The parcels cannot be exported.")


class EmptySelectionError(ExportRefusedError):
    code = "empty_selection"
    default_message = _("No parcel matches the selection.")


class ExportForbiddenError(ExportRefusedError):
    code = "export_forbidden"
    status = 403
    default_message = _("This account may not read parcels.")


class ExportTooLargeError(ExportRefusedError):
    code = "export_too_large"
    default_message = _("The selection holds too many parcels for this export.")
