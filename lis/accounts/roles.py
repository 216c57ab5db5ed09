"""The roles this release knows, as Django groups of permissions.

# TODO(#5): the accounts issue brings the full least-privilege role set
# (R19), jurisdiction by administrative unit and the account rules.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

REGISTRATION_OFFICER = "registration_officer"
READER = "reader"

ROLE_NAMES = {
    REGISTRATION_OFFICER: _("registration officer"),
    READER: _("reader"),
}

# Reading land users, their documents and rights is reading personal data
# (R14): only roles that need it get those permissions.
_PUBLIC_READ = [
    "cadastre.view_mapsheet",
    "cadastre.view_parcel",
    "cadastre.view_landusepurpose",
]
_PERSONAL_READ = [
    "cadastre.view_landuser",
    "cadastre.view_identitydocument",
    "cadastre.view_right",
    "cadastre.view_certificate",
]
ROLE_PERMISSIONS = {
    REGISTRATION_OFFICER: _PUBLIC_READ
    + _PERSONAL_READ
    + ["exchange.run_import", "exchange.add_importjob", "exchange.view_importjob"],
    READER: _PUBLIC_READ,
}


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update the role groups with exactly their permissions."""
    groups = {}
    for name, dotted in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(p) for p in dotted])
        groups[name] = group
    return groups
