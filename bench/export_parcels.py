"""Time `lis export-parcels` against ogr2ogr copying the same table.

    .venv/bin/python bench/export_parcels.py [PARCELS ...]

For each size (default 20,000), a sample map is written and imported into
a new embedded database (SpatiaLite); then every parcel is exported by LIS
in each format of BENCH_FORMATS (default gpkg,shp,geojson,csv,xlsx,dxf),
with the owners' columns (as an account that may read them), and the
parcel table alone is copied by `ogr2ogr -f GPKG` from the database as the
reference (no joins, no owners, no checks). Prints seconds and the ratio
LIS / ogr2ogr; asserts nothing. Set DATABASE_URL to a PostGIS scratch
database to time it there (its parcels are not removed afterwards).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

PROJECT = Path(__file__).resolve().parents[1]
FORMATS = os.environ.get("BENCH_FORMATS", "gpkg,shp,geojson,csv,xlsx,dxf").split(",")
CREATE_OFFICER = (
    "from django.contrib.auth import get_user_model;"
    "from lis.accounts.roles import REGISTRATION_OFFICER, ensure_roles;"
    "u = get_user_model().objects.create_user('bench-export');"
    "u.groups.add(ensure_roles()[REGISTRATION_OFFICER])"
)


def _lis(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lis", *args],
        env=env,
        cwd=PROJECT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _ogr_source(env: dict) -> str:
    url = urlparse(env["DATABASE_URL"])
    if url.scheme.startswith("spatialite"):
        return url.path
    return (
        f"PG:host={url.hostname} port={url.port or 5432} dbname={url.path[1:]}"
        f" user={url.username} password={url.password}"
    )


def run(parcels: int, folder: Path) -> None:
    env = {
        **os.environ,
        "LIS_DATA_DIR": str(folder),
        "LIS_SECRET_KEY": os.environ.get("LIS_SECRET_KEY", "bench-only-secret-key"),
        "LIS_ENV_FILE": str(folder / "none.env"),
    }
    env.setdefault("DATABASE_URL", f"spatialite:///{folder / 'bench.sqlite3'}")
    sample = folder / f"mau-{parcels}.gpkg"
    _lis(["migrate", "--no-input", "-v", "0"], env)
    _lis(["load-reference", "-v", "0"], env)
    _lis(["shell", "-c", CREATE_OFFICER], env)
    _lis(
        ["sample-data", "--parcels", str(parcels), "--output", str(sample), "-v", "0"],
        env,
    )
    _lis(["import-parcels", str(sample), "--unit-catalogue", "2004", "-v", "0"], env)

    started = time.perf_counter()
    subprocess.run(
        [
            "ogr2ogr", "-f", "GPKG", str(folder / "ogr.gpkg"),
            _ogr_source(env), "cadastre_parcel",
        ],
        check=True,
    )  # fmt: skip
    ogr_seconds = time.perf_counter() - started
    print(f"{parcels:>9,} parcels  ogr2ogr (parcel table only) {ogr_seconds:6.1f} s")
    for fmt in FORMATS:
        output = folder / f"export.{fmt}"
        seconds = _lis(
            ["export-parcels", "--output", str(output), "--user", "bench-export"],
            env,
        )
        print(
            f"{'':>17}lis export-parcels {fmt:<8} {seconds:7.1f} s"
            f"  ratio {seconds / ogr_seconds:5.1f}"
        )


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [20_000]
    for parcels in sizes:
        with tempfile.TemporaryDirectory(prefix="lis-bench-") as folder:
            run(parcels, Path(folder))


if __name__ == "__main__":
    main()
