"""Demo accounts for `make run` (issue #2): created once, passwords shown once."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from lis.accounts.roles import READER, REGISTRATION_OFFICER

pytestmark = pytest.mark.django_db


def _run(capsys) -> str:
    with translation.override("en"):
        call_command("create_demo_accounts")
    return capsys.readouterr().out


def test_demo_accounts_are_created_with_roles_and_passwords_printed_once(capsys):
    first = _run(capsys)
    second = _run(capsys)

    users = {u.username: u for u in get_user_model().objects.all()}
    assert sorted(users) == ["canbo", "quantri", "tracuu"]
    assert users["quantri"].is_superuser is True
    assert [g.name for g in users["canbo"].groups.all()] == [REGISTRATION_OFFICER]
    assert [g.name for g in users["tracuu"].groups.all()] == [READER]
    passwords = dict(re.findall(r"^  (\w+)\s+(\S+)\s+\(", first, flags=re.M))
    assert sorted(passwords) == ["canbo", "quantri", "tracuu"]
    assert all(users[name].check_password(pw) for name, pw in passwords.items())
    assert "Demo accounts exist" in second
    assert not any(pw in second for pw in passwords.values())


def test_only_the_officer_role_reads_personal_data_and_imports():
    call_command("create_demo_accounts", verbosity=0)
    users = {u.username: u for u in get_user_model().objects.all()}

    assert users["canbo"].has_perm("cadastre.view_landuser") is True
    assert users["canbo"].has_perm("exchange.run_import") is True
    assert users["tracuu"].has_perm("cadastre.view_parcel") is True
    assert users["tracuu"].has_perm("cadastre.view_landuser") is False
    assert users["tracuu"].has_perm("exchange.run_import") is False
