"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_immediately():
    """Run queued tasks in the calling thread, as the consumer would."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous
