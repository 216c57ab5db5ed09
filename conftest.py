"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _static_files_from_the_sources():
    """Serve static files from the apps and node_modules, uncollected."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Hashing passwords at full strength costs half a second per account.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }


@pytest.fixture(autouse=True)
def _tasks_run_immediately():
    """Run queued tasks in the calling thread, as the consumer would."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


@pytest.fixture
def reference_data(db):
    """Administrative units and code lists, as `lis load-reference` loads them.

    Loaded once for the test database; transactional tests, which empty
    the tables after them, load it again.
    """
    from django.core.management import call_command

    from lis.admin_units.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        call_command("load_reference", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture
def officer(db, reference_data):
    """A registration officer: may import and read personal data."""
    from django.contrib.auth import get_user_model

    from lis.accounts.roles import REGISTRATION_OFFICER, ensure_roles

    user = get_user_model().objects.create_user("canbo", password="Mat-khau-thu-1")
    user.groups.add(ensure_roles()[REGISTRATION_OFFICER])
    return user


@pytest.fixture
def reader(db, reference_data):
    """A reader: sees parcels, not the personal data of land users."""
    from django.contrib.auth import get_user_model

    from lis.accounts.roles import READER, ensure_roles

    user = get_user_model().objects.create_user("tracuu", password="Mat-khau-thu-2")
    user.groups.add(ensure_roles()[READER])
    return user
