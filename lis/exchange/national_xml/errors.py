"""Errors of the XML exchange: a refused file, a refused export."""

from django.utils.translation import gettext_lazy as _

from lis.core.errors import DomainError
from lis.exchange.errors import ImportRefusedError


class UnsafeXMLError(ImportRefusedError):
    """The file uses an XML feature the exchange never needs and attackers do."""

    code = "unsafe_xml"
    default_message = _("The file uses XML features an exchange file must not use.")


class MalformedXMLError(ImportRefusedError):
    code = "malformed_xml"
    default_message = _("The file is not well-formed XML.")


class SchemaInvalidError(ImportRefusedError):
    """The file breaks the exchange schema; `errors` lists each breach."""

    code = "schema_invalid"
    default_message = _("The file does not follow the exchange schema.")

    def __init__(self, message: str | None = None, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = errors or []


class ExportRefusedError(DomainError):
    code = "export_refused"
    default_message = _("The export was refused.")


class PersonalDataRefusedError(ExportRefusedError):
    """The national exchange carries land users' personal data by nature."""

    code = "personal_data_refused"
    status = 403
    default_message = _(
        "The national exchange file carries land users' names and identity"
        " numbers: only an account that may read personal data"
        " (cadastre.view_landuser) can export it."
    )
