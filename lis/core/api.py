"""The one DRF exception handler: domain errors become a documented shape."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lis.core.errors import DomainError


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(
            {"error": {"code": exc.code, "message": str(exc.message)}},
            status=exc.status,
        )
    return drf_exception_handler(exc, context)
