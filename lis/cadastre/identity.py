"""Identity document numbers of land users, kept as text.

A CMND (old identity card) has 9 digits, a CCCD (citizen identity card) 12;
both may begin with zeros, which a spreadsheet or a numeric field loses.
"""

import re

from django.utils.translation import gettext as _

from lis.cadastre.errors import InvalidDocumentNumberError
from lis.cadastre.models import DocumentKind

_DIGITS = {DocumentKind.CMND: 9, DocumentKind.CCCD: 12}
_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")


def normalise_document_number(number: str) -> str:
    return re.sub(r"[\s.]", "", str(number)).upper()


def infer_document_kind(number: str) -> str:
    """Tell the kind of a bare document number by its shape."""
    number = normalise_document_number(number)
    if re.fullmatch(r"\d{12}", number):
        return DocumentKind.CCCD
    if re.fullmatch(r"\d{9}", number):
        return DocumentKind.CMND
    if _TAX_CODE.fullmatch(number):
        return DocumentKind.BUSINESS_REGISTRATION
    if re.fullmatch(r"\d{8}|\d{11}", number):
        raise InvalidDocumentNumberError(
            _(
                "%(number)s has %(count)d digits: leading zeros were probably lost;"
                " store identity numbers as text"
            )
            % {"number": number, "count": len(number)}
        )
    raise InvalidDocumentNumberError(
        _("%(number)s is neither a 9-digit CMND nor a 12-digit CCCD")
        % {"number": number}
    )


def check_document_number(kind: str, number: str) -> str:
    """Return the normalised number, or raise if it does not fit its kind."""
    number = normalise_document_number(number)
    digits = _DIGITS.get(kind)
    if digits is not None and not re.fullmatch(rf"\d{{{digits}}}", number):
        raise InvalidDocumentNumberError(
            _("a %(kind)s number has exactly %(digits)d digits, not %(number)s")
            % {"kind": kind, "digits": digits, "number": number}
        )
    if kind == DocumentKind.BUSINESS_REGISTRATION and not _TAX_CODE.fullmatch(number):
        raise InvalidDocumentNumberError(
            _("a tax code has 10 or 13 digits, not %(number)s") % {"number": number}
        )
    if not number:
        raise InvalidDocumentNumberError(_("the document number is empty"))
    return number
