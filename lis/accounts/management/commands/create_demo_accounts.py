"""`lis create-demo-accounts`: accounts to try the system with sample data.

Passwords are random and printed once, when the accounts are created.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from lis.accounts.roles import READER, REGISTRATION_OFFICER, ROLE_NAMES, ensure_roles
from lis.core import audit

DEMO_ACCOUNTS = [
    # username, role, first name, last name, superuser
    ("quantri", None, "Quản trị", "Hệ thống", True),
    ("canbo", REGISTRATION_OFFICER, "Cán bộ", "Đăng ký", False),
    ("tracuu", READER, "Người", "Tra cứu", False),
]


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Create the demo accounts (passwords are printed once).")

    def handle(self, *args, **options) -> None:
        groups = ensure_roles()
        User = get_user_model()
        created = []
        with transaction.atomic():
            for username, role, first, last, superuser in DEMO_ACCOUNTS:
                if User.objects.filter(username=username).exists():
                    continue
                password = secrets.token_urlsafe(9)
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    first_name=first,
                    last_name=last,
                    is_staff=superuser,
                    is_superuser=superuser,
                )
                if role:
                    user.groups.add(groups[role])
                audit.record("account.create_demo", actor=None, target=user)
                label = ROLE_NAMES[role] if role else _("administrator")
                created.append((username, str(label), password))
        if not created:
            self.stdout.write(
                _(
                    "Demo accounts exist; their passwords were printed when they were"
                    " created. Set a new one with: lis changepassword canbo"
                )
            )
            return
        self.stdout.write(
            self.style.WARNING(_("Demo accounts (shown only this once):"))
        )
        for username, role, password in created:
            self.stdout.write(f"  {username:<8} {password}  ({role})")
