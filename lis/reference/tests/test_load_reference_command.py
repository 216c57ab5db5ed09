from io import StringIO

import pytest
from django.core.management import call_command

from lis.reference.models import LandUseType


@pytest.mark.django_db
def test_load_reference_prints_unchanged_counts_on_second_run():
    call_command("load_reference", stdout=StringIO())
    out = StringIO()

    call_command("load_reference", stdout=out)

    assert out.getvalue().splitlines() == [
        "Administrative units: 0 created, 0 updated, 164 unchanged",
        "Unit successions: 0 created, 0 updated, 111 unchanged",
        "Land-use types: 0 created, 0 updated, 130 unchanged",
        "Land-use type mappings: 0 created, 0 updated, 66 unchanged",
        "Land-user object types: 0 created, 0 updated, 19 unchanged",
    ]


@pytest.mark.django_db
def test_load_reference_prints_created_counts(no_code_lists):
    out = StringIO()

    call_command("load_reference", stdout=out)

    assert out.getvalue().splitlines()[2:] == [
        "Land-use types: 130 created, 0 updated, 0 unchanged",
        "Land-use type mappings: 66 created, 0 updated, 0 unchanged",
        "Land-user object types: 19 created, 0 updated, 0 unchanged",
    ]
    assert LandUseType.objects.count() == 130


@pytest.mark.django_db
def test_load_reference_is_silent_at_verbosity_0():
    out = StringIO()

    call_command("load_reference", verbosity=0, stdout=out)

    assert out.getvalue() == ""
