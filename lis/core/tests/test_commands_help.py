"""Every `lis` command explains itself with --help, in both languages."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

LIS_COMMANDS = sorted(
    name for name, app in get_commands().items() if app.startswith("lis.")
)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("name", LIS_COMMANDS)
def test_command_help_is_printed(name, language):
    command = load_command_class(get_commands()[name], name)

    with translation.override(language):
        text = command.create_parser("lis", name).format_help()
        description = command.help

    assert text.startswith(f"usage: lis {name}")
    assert " ".join(description.split()) in " ".join(text.split())


def test_every_lis_command_is_listed():
    assert {"import_parcels", "sample_data", "load_reference", "serve"} <= set(
        LIS_COMMANDS
    )
