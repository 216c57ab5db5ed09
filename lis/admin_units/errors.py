"""Errors of administrative-unit lookups and of the shipped data files."""

from django.utils.translation import gettext_lazy as _

from lis.core.errors import DomainError


class UnknownUnitCodeError(DomainError):
    """No commune-level unit has this code (in the catalogue asked for)."""

    code = "unknown_unit_code"
    default_message = _("No commune has this code.")


class AmbiguousUnitCodeError(DomainError):
    """The code names different land before and after 1 July 2025."""

    code = "ambiguous_unit_code"
    default_message = _("The commune code is ambiguous; name the catalogue.")


class NoSingleSuccessorError(DomainError):
    """An old unit has no successor, or several, in the 2025 catalogue."""

    code = "no_single_successor"
    default_message = _("The unit has no single successor unit.")


class DataFileError(DomainError):
    """A row of a shipped or supplied CSV file breaks a rule.

    The message names the file, the line, the column and the reason, so the
    file can be fixed without reading code.
    """

    code = "data_file_invalid"

    def __init__(self, *, file: str, line: int, column: str, reason: str) -> None:
        message = _("%(file)s, line %(line)d, column “%(column)s”: %(reason)s") % {
            "file": file,
            "line": line,
            "column": column,
            "reason": reason,
        }
        super().__init__(message, file=file, line=line, column=column)
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
