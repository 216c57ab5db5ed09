"""Time `lis import-parcels` against ogr2ogr loading the same file.

    .venv/bin/python bench/import_parcels.py [PARCELS ...]

For each size (default 3,000 and 20,000), a sample map is written, then
imported into a new embedded database (SpatiaLite) by LIS, with every check,
and loaded by `ogr2ogr -f SQLite -dsco SPATIALITE=YES` into a new file as
the reference. Prints seconds and the ratio LIS / ogr2ogr; asserts nothing.
Set DATABASE_URL to a PostGIS database to time the import there instead
(its parcels are not removed afterwards: use a scratch database).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _lis(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lis", *args],
        env=env,
        cwd=PROJECT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


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
    _lis(
        ["sample-data", "--parcels", str(parcels), "--output", str(sample), "-v", "0"],
        env,
    )

    lis_seconds = _lis(
        ["import-parcels", str(sample), "--unit-catalogue", "2004", "-v", "0"], env
    )
    started = time.perf_counter()
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "SQLite",
            "-dsco",
            "SPATIALITE=YES",
            str(folder / f"ogr-{parcels}.sqlite"),
            str(sample),
        ],
        check=True,
    )
    ogr_seconds = time.perf_counter() - started
    print(
        f"{parcels:>9,} parcels  lis import-parcels {lis_seconds:7.1f} s"
        f"  ogr2ogr {ogr_seconds:6.1f} s  ratio {lis_seconds / ogr_seconds:5.1f}"
    )


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [3_000, 20_000]
    for parcels in sizes:
        with tempfile.TemporaryDirectory(prefix="lis-bench-") as folder:
            run(parcels, Path(folder))


if __name__ == "__main__":
    main()
