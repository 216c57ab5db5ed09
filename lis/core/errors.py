"""The base of every domain error: a stable code, an HTTP status, a message."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the land domain refused an operation.

    `code` is stable and documented; `message` is translatable and shown to
    the user; `details` carries ids for logs, never personal data.
    """

    code = "domain_error"
    status = 400
    default_message = _("The operation was refused.")

    def __init__(self, message: str | None = None, **details: object) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details
        super().__init__(str(self.message))


class NotFoundError(DomainError):
    """The record is missing or outside what the user may see (same answer)."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")
