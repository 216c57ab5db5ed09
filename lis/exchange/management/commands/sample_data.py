"""`lis sample-data`: write a synthetic cadastral map of former Bình Phước.

The file format is described in `lis.exchange.sample_data`.
"""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lis.exchange.sample_data import (
    DEFAULT_SEED,
    EPSG,
    FORMATS,
    MAX_PARCELS,
    MIN_PARCELS,
    SUFFIXES,
    generate,
    write_sample,
)

logger = logging.getLogger(__name__)

DEFAULT_NAME = "binh-phuoc-mau"
PROGRESS_FROM = 50_000
_FORMAT_OF_SUFFIX = {".gpkg": "gpkg", ".shp": "shp", ".geojson": "geojson"}


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Write a synthetic cadastral map (EPSG:9212) of real communes of former "
            "Bình Phước, for the parcel import and demonstrations."
        )

    # Writes a file only: no database, so no system checks (and no gis.W001).
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--parcels",
            type=int,
            required=True,
            help=_("number of parcels, %(low)s to %(high)s")
            % {"low": f"{MIN_PARCELS:,}", "high": f"{MAX_PARCELS:,}"},
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("random seed; one seed, one map (default %(seed)s)")
            % {"seed": DEFAULT_SEED},
        )
        parser.add_argument(
            "--output",
            type=Path,
            help=_("file to write (default <LIS_DATA_DIR>/sample/%(name)s.gpkg)")
            % {"name": DEFAULT_NAME},
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help=_("gpkg, shp or geojson; by default taken from --output, else gpkg"),
        )

    def handle(self, *args, **options) -> None:
        parcels: int = options["parcels"]
        if not MIN_PARCELS <= parcels <= MAX_PARCELS:
            raise CommandError(
                f"--parcels must be between {MIN_PARCELS:,} and {MAX_PARCELS:,} "
                f"(got {parcels:,})."
            )
        fmt, path = resolve_output(options["output"], options["file_format"])
        verbosity = options["verbosity"]
        show = verbosity >= 2 or (verbosity >= 1 and parcels >= PROGRESS_FROM)
        progress = self._progress(time.monotonic()) if show else None

        sample = generate(parcels, options["seed"], progress)
        if progress:
            progress(f"Writing {path} …")
        write_sample(sample, path, fmt)

        logger.info("Sample map of %s parcels written to %s", parcels, path)
        self.stdout.write(
            f"Wrote {sample.parcel_count:,} parcels on {len(sample.sheets):,} map "
            f"sheets in {len(sample.communes)} communes to {path} "
            f"({fmt}, EPSG:{EPSG}, seed {options['seed']})."
        )

    def _progress(self, started: float):
        def report(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f} s] {message}")

        return report


def resolve_output(output: Path | None, file_format: str | None) -> tuple[str, Path]:
    """Return the format and path to write, from the options given."""
    if output is None:
        fmt = file_format or "gpkg"
        return fmt, Path(
            settings.DATA_DIR
        ) / "sample" / f"{DEFAULT_NAME}{SUFFIXES[fmt]}"
    guessed = _FORMAT_OF_SUFFIX.get(output.suffix.lower())
    fmt = file_format or guessed
    if fmt is None:
        raise CommandError(
            f"Cannot tell the format of {output.name}; end it in .gpkg, .shp or "
            ".geojson, or give --format."
        )
    if guessed != fmt:
        raise CommandError(f"A {fmt} file must end in {SUFFIXES[fmt]}: {output.name}.")
    return fmt, output
