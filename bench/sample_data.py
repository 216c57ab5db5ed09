"""Time `lis sample-data` at several sizes; prints timings, asserts nothing.

    .venv/bin/python bench/sample_data.py [PARCELS ...] [--format gpkg|shp|geojson]

Defaults to 1,000, 100,000 and 1,000,000 parcels in GeoPackage. Files go to
a temporary folder that is removed afterwards. The feature count is read
back with Debian's ogrinfo.
"""

import argparse
import re
import subprocess
import tempfile
import time
from pathlib import Path

from lis.exchange.sample_data import FORMATS, SUFFIXES, generate, write_sample


def _feature_count(path: Path) -> int:
    summary = subprocess.run(
        ["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"Feature Count: (\d+)", summary).group(1))


def run(parcels: int, fmt: str, folder: Path) -> None:
    path = folder / f"mau-{parcels}{SUFFIXES[fmt]}"
    started = time.perf_counter()
    sample = generate(parcels)
    generated = time.perf_counter()
    write_sample(sample, path, fmt)
    written = time.perf_counter()
    size_mb = sum(p.stat().st_size for p in folder.glob(f"mau-{parcels}.*")) / 1e6
    print(
        f"{parcels:>9,} parcels {len(sample.sheets):>6,} sheets  "
        f"generate {generated - started:7.1f} s  write {written - generated:7.1f} s  "
        f"total {written - started:7.1f} s  {size_mb:8.1f} MB  "
        f"read back {_feature_count(path):,}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parcels", type=int, nargs="*")
    parser.add_argument("--format", choices=FORMATS, default="gpkg")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lis-bench-") as folder:
        for parcels in args.parcels or (1_000, 100_000, 1_000_000):
            run(parcels, args.format, Path(folder))


if __name__ == "__main__":
    main()
