"""Fixtures of the administrative-unit tests."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

from lis.admin_units.models import AdministrativeUnit, UnitLevel, UnitSuccession
from lis.admin_units.services.data_files import LoadReport
from lis.admin_units.services.loading import DEFAULT_PATH, load_admin_units


@pytest.fixture(autouse=True)
def _english_messages():
    """Compare messages with their English source strings."""
    with translation.override("en"):
        yield


@pytest.fixture
def no_units(db) -> None:
    """An empty unit table, even where the session preloaded reference data."""
    UnitSuccession.objects.all().delete()
    for level in (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE):
        AdministrativeUnit.objects.filter(level=level).delete()


@pytest.fixture
def loaded_units(no_units) -> LoadReport:
    """The shipped Bình Phước units and crosswalk, loaded by the service."""
    return load_admin_units()


@pytest.fixture
def edited_unit_file(tmp_path: Path) -> Callable[[dict[int, str]], Path]:
    """Write a copy of the shipped file with some lines replaced.

    Takes `{line_number: new_text}` (the header is line 1) and returns the
    path of the copy, named `units.csv`.
    """

    def write(replacements: dict[int, str]) -> Path:
        lines = DEFAULT_PATH.read_text(encoding="utf-8").splitlines()
        for number, text in replacements.items():
            lines[number - 1] = text
        path = tmp_path / "units.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write
