"""Fixtures of the code-list tests."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import models
from django.utils import translation

from lis.admin_units.services.data_files import LoadReport
from lis.reference.models import LandUserObjectType, LandUseType, LandUseTypeMapping
from lis.reference.services.loading import load_code_lists


@pytest.fixture(autouse=True)
def _english_messages():
    """Compare messages with their English source strings."""
    with translation.override("en"):
        yield


@pytest.fixture
def no_code_lists(db) -> None:
    """Empty code-list tables, even where the session preloaded them."""
    LandUseTypeMapping.objects.all().delete()
    _delete_tree(LandUseType)
    _delete_tree(LandUserObjectType)


@pytest.fixture
def loaded_code_lists(no_code_lists) -> list[LoadReport]:
    """The shipped code lists, loaded by the services."""
    return load_code_lists()


@pytest.fixture
def data_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write `text` to a CSV file named `name` and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _delete_tree(model: type[models.Model]) -> None:
    """Delete leaves first: parent links are protected."""
    while model.objects.exists():
        model.objects.filter(children__isnull=True).delete()
