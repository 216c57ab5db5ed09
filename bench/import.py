"""Time `lis import-parcels` against `ogr2ogr -gt 65536` on the same file.

    DATABASE_URL=postgis://USER:PASSWORD@HOST:5432/SCRATCH \\
        .venv/bin/python bench/import.py [PARCELS ...]

Writes a sample map of PARCELS parcels (default 1,000,000), imports it with
every check into the (scratch!) database DATABASE_URL names, then loads the
same file with ogr2ogr into a new table of the same database, and prints
parcels per second for both, their ratio, and the peak memory of our import.
Without DATABASE_URL it runs on a new SpatiaLite file. Asserts nothing.

The two do different work: ogr2ogr copies one flat table; the import checks
every feature (keys, codes, identity numbers, certificates, the database)
and writes parcels, purposes, land users, identity documents, certificates
and rights, under the database's constraints.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url

PROJECT = Path(__file__).resolve().parents[1]
OGR_TABLE = "bench_ogr2ogr_parcels"


def _lis(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, "-m", "lis", *args], env=env, cwd=PROJECT, check=True)


def _timed_import(sample: Path, env: dict) -> tuple[float, float]:
    """Run the import in a child process: (seconds, peak resident MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "lis", "import-parcels", str(sample),
         "--unit-catalogue", "2004", "-v", "0"],
        env=env, cwd=PROJECT,
    )  # fmt: skip
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("lis import-parcels failed")
    return seconds, usage.ru_maxrss / 1024


def _ogr_target(url: str | None, folder: Path) -> tuple[list[str], list[str]]:
    if not url:
        target = folder / "ogr2ogr.sqlite"
        return ["-f", "SQLite", "-dsco", "SPATIALITE=YES", str(target)], []
    db = dj_database_url.parse(url)
    pg = (
        f"PG:dbname={db['NAME']} host={db['HOST'] or 'localhost'}"
        f" port={db['PORT'] or 5432} user={db['USER']} password={db['PASSWORD']}"
    )
    return ["-f", "PostgreSQL", pg, "-lco", "OVERWRITE=YES"], ["--config", "PG_USE_COPY", "YES"]


def run(parcels: int, folder: Path) -> None:
    url = os.environ.get("DATABASE_URL")
    env = {
        **os.environ,
        "LIS_DATA_DIR": str(folder),
        "LIS_SECRET_KEY": os.environ.get("LIS_SECRET_KEY", "bench-only-secret-key"),
        "LIS_ENV_FILE": str(folder / "none.env"),
    }
    env.setdefault("DATABASE_URL", f"spatialite:///{folder / 'bench.sqlite3'}")
    sample = folder / f"mau-{parcels}.gpkg"
    _lis(["migrate", "--no-input", "-v", "0"], env)
    # A scratch database: emptied, then given its reference data again.
    _lis(["flush", "--no-input", "-v", "0"], env)
    _lis(["load-reference", "-v", "0"], env)
    _lis(["sample-data", "--parcels", str(parcels), "--output", str(sample), "-v", "0"], env)

    ours, peak_mb = _timed_import(sample, env)
    target, config = _ogr_target(url, folder)
    started = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", *target, str(sample), "-nln", OGR_TABLE, "-gt", "65536", *config],
        check=True,
    )
    reference = time.perf_counter() - started

    print(
        f"{parcels:>9,} parcels on {'PostGIS' if url else 'SpatiaLite'}\n"
        f"  lis import-parcels: {ours:8.1f} s  {parcels / ours:9,.0f} parcels/s"
        f"  peak memory {peak_mb:,.0f} MB\n"
        f"  ogr2ogr -gt 65536:  {reference:8.1f} s  {parcels / reference:9,.0f} parcels/s\n"
        f"  ratio (ours / ogr2ogr rate): {reference / ours:.2f}"
    )


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000_000]
    for parcels in sizes:
        with tempfile.TemporaryDirectory(prefix="lis-bench-") as folder:
            run(parcels, Path(folder))


if __name__ == "__main__":
    main()
