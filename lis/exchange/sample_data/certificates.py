"""Certificates (giấy chứng nhận) of the sample parcels.

About 90 % of private parcels have one; public land never does. The issue
date (ngày cấp) falls in 2005-2024, and not before the owner turned 18.

The serial (số phát hành) is two upper-case Vietnamese letters, a space and
six digits, unique in the file ("BĐ 123456"). Its first letter follows the
issue period, as the printed blank series did: A until 2009, B 2010-2014,
C 2015-2019, D from 2020.

The register number (số vào sổ cấp giấy chứng nhận) runs per commune and
prefix in issue order, so it is unique per commune: "CH01234" for people
before 2015 (issued by the district), "CS 01234" for people from 2015
(issued by the province), "CT01234" for organisations.
"""

from dataclasses import dataclass

import numpy as np

from .owners import later_duplicates

FIRST_YEAR = 2005
LAST_YEAR = 2024
CERTIFIED_SHARE = 0.9
PROVINCE_ISSUES_FROM = 2015

SERIES_LETTERS = (
    "A", "B", "C", "D", "Đ", "E", "G", "H", "I", "K", "L", "M",
    "N", "O", "P", "Q", "R", "S", "T", "U", "V", "X", "Y",
)  # fmt: skip
_PERIOD_LETTERS = ("A", "B", "C", "D")
_PERIOD_START = np.array([FIRST_YEAR, 2010, 2015, 2020])


@dataclass(frozen=True)
class CertificateColumns:
    serial: np.ndarray
    register: np.ndarray
    issued: np.ndarray


def certificate_columns(
    rng: np.random.Generator,
    private: np.ndarray,
    organisation: np.ndarray,
    owner_year: np.ndarray,
    commune: np.ndarray,
) -> CertificateColumns:
    """Draw certificates for private parcels; others get empty strings."""
    size = len(private)
    rows = np.flatnonzero(private & (rng.random(size) < CERTIFIED_SHARE))
    earliest = np.where(
        organisation[rows], FIRST_YEAR, np.maximum(FIRST_YEAR, owner_year[rows] + 18)
    )
    year = earliest + np.floor(rng.random(len(rows)) * (LAST_YEAR + 1 - earliest))
    year = year.astype(np.int64)
    date = _dates(rng, year)
    columns = CertificateColumns(
        serial=np.full(size, "", dtype=object),
        register=np.full(size, "", dtype=object),
        issued=np.full(size, "", dtype=object),
    )
    columns.issued[rows] = np.datetime_as_string(date, unit="D").astype(object)
    columns.serial[rows] = serials(rng, year)
    columns.register[rows] = _register_numbers(
        date, year, organisation[rows], commune[rows]
    )
    return columns


def _dates(rng: np.random.Generator, year: np.ndarray) -> np.ndarray:
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    days = np.floor(rng.random(len(year)) * (end - start).astype(np.int64))
    return start + days.astype("timedelta64[D]")


def serials(rng: np.random.Generator, year: np.ndarray) -> np.ndarray:
    """Return distinct serials whose first letter matches the issue year."""
    period = np.searchsorted(_PERIOD_START, year, side="right") - 1
    second = rng.integers(0, len(SERIES_LETTERS), len(year))
    number = rng.integers(0, 10**6, len(year))
    key = (period * len(SERIES_LETTERS) + second) * 10**6
    while (repeated := later_duplicates(key + number)).any():
        number[repeated] = rng.integers(0, 10**6, int(repeated.sum()))
    return np.array(
        [
            f"{_PERIOD_LETTERS[p]}{SERIES_LETTERS[s]} {n:06d}"
            for p, s, n in zip(period.tolist(), second.tolist(), number.tolist())
        ],
        dtype=object,
    )


def _register_numbers(
    date: np.ndarray, year: np.ndarray, organisation: np.ndarray, commune: np.ndarray
) -> np.ndarray:
    prefix = np.where(
        organisation, "CT", np.where(year < PROVINCE_ISSUES_FROM, "CH", "CS ")
    )
    order = np.lexsort((np.arange(len(date)), date, prefix, commune))
    group = np.char.add(commune[order].astype(str), prefix[order])
    starts = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    running = np.arange(len(order)) - np.repeat(
        starts, np.diff(np.r_[starts, len(order)])
    )
    numbers = np.empty(len(order), dtype=object)
    numbers[order] = [
        f"{p}{n + 1:05d}" for p, n in zip(prefix[order], running.tolist())
    ]
    return numbers
