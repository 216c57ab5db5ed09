"""Owners of the sample parcels: people with CCCD numbers, and companies.

A CCCD (căn cước công dân) number has 12 digits: the 3-digit code of the
province of birth, one digit for gender and century (0 man / 1 woman born
1900-1999, 2 man / 3 woman born 2000-2099), the last two digits of the
birth year and 6 random digits. Every person has one number, unique in the
file, and keeps the same name, birth year and number on all the parcels
they hold. About a fifth of the owners hold two parcels or more, and about
a quarter of the individual parcels also name the owner's spouse.

Companies have a 10-digit tax code (mã số thuế): "38" (Bình Phước), seven
digits and the check digit of the General Department of Taxation (weights
31, 29, 23, 19, 17, 13, 7, 5, 3; the same rule as python-stdnum's vn.mst).
"""

from dataclasses import dataclass

import numpy as np

from .names import company_names, person_names

INDIVIDUAL = "CNV"
COMPANY = "TKT"
PUBLIC_MANAGER = "TCQ"
NO_YEAR = -1

# Province-of-birth codes (as in the CCCD) and weights: mostly Bình Phước,
# then the provinces that sent most settlers to it.
BIRTH_PROVINCES: tuple[tuple[str, float], ...] = (
    ("070", 72.0),
    ("038", 4.0),
    ("040", 4.0),
    ("079", 3.0),
    ("034", 2.5),
    ("036", 2.5),
    ("042", 2.0),
    ("052", 2.0),
    ("051", 2.0),
    ("001", 2.0),
    ("004", 1.0),
    ("020", 1.0),
    ("074", 1.0),
    ("075", 1.0),
)

_MULTI_OWNER_SHARE = 0.2
_SPOUSE_SHARE = 0.25
_FEMALE_OWNER_SHARE = 0.35
_BORN_2000S_SHARE = 0.03
_TAX_WEIGHTS = np.array([31, 29, 23, 19, 17, 13, 7, 5, 3])


@dataclass(frozen=True)
class People:
    name: np.ndarray
    year: np.ndarray
    number: np.ndarray


@dataclass(frozen=True)
class OwnerColumns:
    name: np.ndarray
    year: np.ndarray
    number: np.ndarray
    kind: np.ndarray
    name2: np.ndarray
    year2: np.ndarray
    number2: np.ndarray


def owner_columns(
    rng: np.random.Generator,
    kind: np.ndarray,
    commune: np.ndarray,
    companies: int,
) -> OwnerColumns:
    """Fill owner columns per parcel from its object code (`kind`)."""
    size = len(kind)
    columns = OwnerColumns(
        name=np.full(size, "", dtype=object),
        year=np.full(size, NO_YEAR, dtype=np.int32),
        number=np.full(size, "", dtype=object),
        kind=kind,
        name2=np.full(size, "", dtype=object),
        year2=np.full(size, NO_YEAR, dtype=np.int32),
        number2=np.full(size, "", dtype=object),
    )
    _fill_companies(rng, columns, np.flatnonzero(kind == COMPANY), companies)
    _fill_people(rng, columns, np.flatnonzero(kind == INDIVIDUAL), commune)
    return columns


def _fill_companies(
    rng: np.random.Generator, columns: OwnerColumns, rows: np.ndarray, count: int
) -> None:
    names = np.array(company_names(rng, count), dtype=object)
    codes = tax_codes(rng, count)
    weights = 1.0 / np.arange(1, count + 1)
    chosen = rng.choice(count, size=len(rows), p=weights / weights.sum())
    columns.name[rows] = names[chosen]
    columns.number[rows] = codes[chosen]


def _fill_people(
    rng: np.random.Generator,
    columns: OwnerColumns,
    rows: np.ndarray,
    commune: np.ndarray,
) -> None:
    # Owners never hold land in another sample commune.
    owner = np.empty(len(rows), dtype=np.int64)
    owners = 0
    for code in np.unique(commune[rows]):
        mine = np.flatnonzero(commune[rows] == code)
        local, count = _owner_per_parcel(rng, len(mine))
        owner[mine] = local + owners
        owners += count
    female, year = _owner_traits(rng, owners)
    married = (rng.random(owners) < _SPOUSE_SHARE) & (year < 2000)
    spouse_of = np.flatnonzero(married)
    spouse_female, spouse_year = _spouse_traits(rng, female[spouse_of], year[spouse_of])
    people = make_people(
        rng,
        np.concatenate([female, spouse_female]),
        np.concatenate([year, spouse_year]),
    )
    columns.name[rows] = people.name[owner]
    columns.year[rows] = people.year[owner]
    columns.number[rows] = people.number[owner]
    spouse = np.full(owners, -1)
    spouse[spouse_of] = owners + np.arange(len(spouse_of))
    with_spouse = spouse[owner] >= 0
    target = rows[with_spouse]
    columns.name2[target] = people.name[spouse[owner[with_spouse]]]
    columns.year2[target] = people.year[spouse[owner[with_spouse]]]
    columns.number2[target] = people.number[spouse[owner[with_spouse]]]


def _owner_per_parcel(rng: np.random.Generator, parcels: int) -> tuple[np.ndarray, int]:
    """Return a shuffled owner index per parcel and the number of owners."""
    units = parcels
    holdings = np.where(
        rng.random(units) < _MULTI_OWNER_SHARE, 1 + rng.geometric(0.5, units), 1
    )
    ids = np.repeat(np.arange(units), holdings)[:parcels]
    rng.shuffle(ids)
    return ids, int(ids.max()) + 1 if parcels else 0


def _owner_traits(
    rng: np.random.Generator, count: int
) -> tuple[np.ndarray, np.ndarray]:
    female = rng.random(count) < _FEMALE_OWNER_SHARE
    year = np.clip(np.rint(rng.normal(1968, 12, count)), 1935, 1999).astype(np.int32)
    young = rng.random(count) < _BORN_2000S_SHARE
    year[young] = rng.integers(2000, 2007, int(young.sum()))
    return female, year


def _spouse_traits(
    rng: np.random.Generator, female: np.ndarray, year: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    gap = rng.integers(0, 7, len(year))
    spouse_year = np.where(female, year - gap, year + gap).astype(np.int32)
    return ~female, np.minimum(spouse_year, 2005)


def make_people(
    rng: np.random.Generator, female: np.ndarray, year: np.ndarray
) -> People:
    """Give each person a name and a CCCD number unique among them."""
    return People(
        name=person_names(rng, female),
        year=year.astype(np.int32),
        number=cccd_numbers(rng, female, year),
    )


def cccd_numbers(
    rng: np.random.Generator, female: np.ndarray, year: np.ndarray
) -> np.ndarray:
    """Return distinct 12-digit CCCD numbers consistent with gender and year."""
    codes = np.array([int(code) for code, _ in BIRTH_PROVINCES], dtype=np.int64)
    weights = np.array([weight for _, weight in BIRTH_PROVINCES])
    province = rng.choice(codes, size=len(year), p=weights / weights.sum())
    gender = np.where(year >= 2000, 2, 0) + female.astype(np.int64)
    head = province * 10**9 + gender * 10**8 + (year.astype(np.int64) % 100) * 10**6
    serial = rng.integers(0, 10**6, len(year))
    while (repeated := later_duplicates(head + serial)).any():
        serial[repeated] = rng.integers(0, 10**6, int(repeated.sum()))
    return np.array([f"{n:012d}" for n in (head + serial).tolist()], dtype=object)


def tax_codes(rng: np.random.Generator, count: int) -> np.ndarray:
    """Return `count` distinct valid 10-digit tax codes of Bình Phước."""
    codes: list[str] = []
    while len(codes) < count:
        body = "38" + f"{int(rng.integers(1, 10**7)):07d}"
        check = 10 - int(np.dot(_TAX_WEIGHTS, [int(d) for d in body])) % 11
        if check < 10 and body + str(check) not in codes:
            codes.append(body + str(check))
    return np.array(codes, dtype=object)


def later_duplicates(values: np.ndarray) -> np.ndarray:
    """Mark every occurrence of a value after its first one."""
    _, first = np.unique(values, return_index=True)
    repeated = np.ones(len(values), dtype=bool)
    repeated[first] = False
    return repeated
