import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_parcel_count_prints_the_number_of_parcels(capsys):
    call_command("parcel_count")

    assert capsys.readouterr().out == "0\n"
