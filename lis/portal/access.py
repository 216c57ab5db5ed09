"""Who may open portal pages: signed-in users whose role reads parcels (R16)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required, permission_required

from lis.cadastre.selectors import PARCEL_PERMISSION


def portal_view(view: Callable) -> Callable:
    """Send anonymous visitors to the login page; refuse roles without parcels."""
    return login_required(
        permission_required(PARCEL_PERMISSION, raise_exception=True)(view)
    )
