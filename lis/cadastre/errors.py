"""Errors of the cadastre's rules, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from lis.core.errors import DomainError


class InvalidParcelGeometryError(DomainError):
    code = "invalid_parcel_geometry"
    default_message = _("The parcel boundary is not a valid polygon.")


class DuplicateParcelKeyError(DomainError):
    code = "duplicate_parcel_key"
    status = 409
    default_message = _("A parcel with this commune, sheet and parcel number exists.")


class InvalidAreaError(DomainError):
    code = "invalid_area"
    default_message = _(
        "An area must be a positive number of square metres, at most 1,000 km²."
    )


class InvalidDocumentNumberError(DomainError):
    code = "invalid_document_number"
    default_message = _("The identity document number is not well formed.")


class DuplicateDocumentError(DomainError):
    code = "duplicate_document"
    status = 409
    default_message = _("This identity document already belongs to a land user.")


class ShareExceededError(DomainError):
    code = "share_exceeded"
    default_message = _("The shares of the holders of a parcel would exceed 1.")


class DuplicateCertificateError(DomainError):
    code = "duplicate_certificate"
    status = 409
    default_message = _("A certificate with this serial number exists.")
