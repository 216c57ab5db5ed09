"""Reading the cadastre for a user: parcels by key, owner, ID or certificate.

A parcel's legacy key, boundary and land use are register data every role
with `cadastre.view_parcel` may read. Land users' names, identity documents
and certificates are personal data (R14): only roles with
`cadastre.view_landuser` may search by them or see them, and logs carry ids
and counts only, never the query text, which may be a name or an ID number.
"""

import logging
import re
from dataclasses import dataclass, field

from django.contrib.gis.db.models import Extent
from django.db.models import Q, QuerySet

from lis.cadastre.models import (
    Certificate,
    IdentityDocument,
    LandUser,
    Parcel,
    Right,
)
from lis.core.errors import NotFoundError
from lis.core.text import compact_key, search_key

logger = logging.getLogger(__name__)

PARCEL_PERMISSION = "cadastre.view_parcel"
PERSONAL_DATA_PERMISSION = "cadastre.view_landuser"
SEARCH_LIMIT = 50
MIN_ID_DIGITS = 6
# A name has a handful of words; longer texts are cut rather than turned
# into one SQL condition per word.
MAX_QUERY_LENGTH = 200
MAX_NAME_WORDS = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_SEP = r"\s*[/\s.,;:-]\s*"
_FULL_KEY = re.compile(rf"^(\d{{5}}){_SEP}(\d{{1,5}}){_SEP}(\d{{1,6}})$")
_SHEET_PARCEL = re.compile(rf"^(\d{{1,5}}){_SEP}(\d{{1,6}})$")
_SHEET_WORD = r"(?:TO(?:\s+BAN\s+DO)?|SHEET)(?:\s+SO)?"
_PARCEL_WORD = r"(?:THUA(?:\s+DAT)?|PARCEL)(?:\s+SO)?"
_WORDS_SHEET_FIRST = re.compile(
    rf"^(?:(\d{{5}}){_SEP})?{_SHEET_WORD}\s*(\d{{1,5}})"
    rf"(?:{_SEP})?{_PARCEL_WORD}\s*(\d{{1,6}})$"
)
_WORDS_PARCEL_FIRST = re.compile(
    rf"^(?:(\d{{5}}){_SEP})?{_PARCEL_WORD}\s*(\d{{1,6}})"
    rf"(?:{_SEP})?{_SHEET_WORD}\s*(\d{{1,5}})$"
)
_ID_NUMBER = re.compile(rf"^\d{{{MIN_ID_DIGITS},12}}$")
_SERIAL = re.compile(r"^[A-Z]{1,3}\d{4,8}$")
_GEOHASH = re.compile(r"^(?=.*\d)(?=.*[a-z])[0-9bcdefghjkmnpqrstuvwxyz]{6,12}$")


class MatchKind:
    PARCEL_KEY = "parcel_key"
    PARCEL_UID = "parcel_uid"
    OWNER_NAME = "owner_name"
    ID_NUMBER = "id_number"
    CERTIFICATE = "certificate"


PERSONAL_KINDS = frozenset(
    {MatchKind.OWNER_NAME, MatchKind.ID_NUMBER, MatchKind.CERTIFICATE}
)


@dataclass(frozen=True)
class LegacyKeyQuery:
    """A legacy key typed by a user; without a commune it matches any."""

    sheet: int
    parcel_number: int
    commune_code: str | None = None


@dataclass(frozen=True)
class ParsedQuery:
    """The ways a search text can be read; several may apply at once."""

    text: str
    legacy_key: LegacyKeyQuery | None = None
    uid_prefix: str | None = None
    name_words: tuple[str, ...] = ()
    id_number: str | None = None
    serial_key: str | None = None

    @property
    def kinds(self) -> frozenset[str]:
        present = {
            MatchKind.PARCEL_KEY: self.legacy_key is not None,
            MatchKind.PARCEL_UID: self.uid_prefix is not None,
            MatchKind.OWNER_NAME: bool(self.name_words),
            MatchKind.ID_NUMBER: self.id_number is not None,
            MatchKind.CERTIFICATE: self.serial_key is not None,
        }
        return frozenset(kind for kind, found in present.items() if found)


@dataclass
class SearchResult:
    """One page of parcels found, with the count of those not shown."""

    query: str
    parcels: list[Parcel]
    total: int
    offset: int
    kinds: frozenset[str]
    personal_allowed: bool
    personal_refused: bool
    owners: dict[int, list[str]] = field(default_factory=dict)

    @property
    def more(self) -> int:
        return max(self.total - self.offset - len(self.parcels), 0)

    @property
    def next_offset(self) -> int | None:
        return self.offset + len(self.parcels) if self.more else None


def can_read_personal_data(user) -> bool:
    """Tell whether `user`'s role may read land users' personal data (R14)."""
    return user.is_authenticated and user.has_perm(PERSONAL_DATA_PERMISSION)


def parse_query(text: str) -> ParsedQuery:
    """Read a search text as a legacy key, an identifier, a name or a serial.

    Accepted legacy keys: "25198/1/12", "25198 1 12", "tờ 1 thửa 12",
    "thửa 12 tờ 1" (any commune), "1/12" (sheet/parcel, any commune).
    Names are compared without diacritics (Đ = D); ID numbers are CMND or
    CCCD digits (at least 6, as a prefix); serials are compared compact
    ("BĐ 123456" = "bd123456").
    """
    text = _CONTROL.sub("", text[:MAX_QUERY_LENGTH])
    key = search_key(text)
    if not key:
        return ParsedQuery(text="")
    legacy_key = _legacy_key(key)
    if legacy_key is not None:
        return ParsedQuery(text=key, legacy_key=legacy_key)
    compact = compact_key(text)
    digits = re.sub(r"[\s.]", "", key)
    bare = text.strip().lower()
    has_digit = any(ch.isdigit() for ch in key)
    return ParsedQuery(
        text=key,
        uid_prefix=bare if _GEOHASH.match(bare) else None,
        name_words=tuple(key.split()[:MAX_NAME_WORDS]) if not has_digit else (),
        id_number=digits if _ID_NUMBER.match(digits) else None,
        serial_key=compact if _SERIAL.match(compact) else None,
    )


def _legacy_key(key: str) -> LegacyKeyQuery | None:
    match = _FULL_KEY.match(key)
    if match:
        code, sheet, number = match.groups()
        return LegacyKeyQuery(int(sheet), int(number), code)
    match = _WORDS_SHEET_FIRST.match(key)
    if match:
        code, sheet, number = match.groups()
        return LegacyKeyQuery(int(sheet), int(number), code)
    match = _WORDS_PARCEL_FIRST.match(key)
    if match:
        code, number, sheet = match.groups()
        return LegacyKeyQuery(int(sheet), int(number), code)
    match = _SHEET_PARCEL.match(key)
    if match:
        sheet, number = match.groups()
        return LegacyKeyQuery(int(sheet), int(number))
    return None


def _holders_named(words: tuple[str, ...]) -> QuerySet:
    # Each word must begin a word of the name key: "nguyen van" finds
    # "NGUYEN VAN AN", "van an" too, "guyen" does not.
    # LIKE '% WORD%' cannot use the btree index on name_key and scans the
    # land users; a province-sized register wants a trigram index on PostGIS.
    condition = Q()
    for word in words:
        condition &= Q(name_key__startswith=word) | Q(name_key__contains=f" {word}")
    return LandUser.objects.filter(condition).values("pk")


def _parcel_condition(parsed: ParsedQuery, personal: bool) -> Q | None:
    parts: list[Q] = []
    if parsed.legacy_key is not None:
        lk = parsed.legacy_key
        q = Q(map_sheet__number=lk.sheet, parcel_number=lk.parcel_number)
        if lk.commune_code:
            q &= Q(map_sheet__commune__code=lk.commune_code)
        parts.append(q)
    if parsed.uid_prefix:
        parts.append(Q(uid__startswith=parsed.uid_prefix))
    if personal and parsed.name_words:
        holders = _holders_named(parsed.name_words)
        parts.append(
            Q(pk__in=Right.objects.filter(holder__in=holders).values("parcel"))
        )
    if personal and parsed.id_number:
        documents = IdentityDocument.objects.filter(number__startswith=parsed.id_number)
        holders = documents.values("holder")
        parts.append(
            Q(pk__in=Right.objects.filter(holder__in=holders).values("parcel"))
        )
    if personal and parsed.serial_key:
        certificates = Certificate.objects.filter(
            serial_key__startswith=parsed.serial_key
        ).values("pk")
        rights = Right.objects.filter(certificate__in=certificates)
        parts.append(Q(pk__in=rights.values("parcel")))
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def search_parcels(
    user, query: str, *, offset: int = 0, limit: int = SEARCH_LIMIT
) -> SearchResult:
    """Find the parcels a search text names, as far as `user` may search.

    Every role with `cadastre.view_parcel` searches by legacy key and parcel
    identifier. Searching by owner name, ID number or certificate serial is
    a read of personal data: without `cadastre.view_landuser` those readings
    are skipped and the result says so (`personal_refused`).
    """
    parsed = parse_query(query)
    personal = can_read_personal_data(user)
    refused = not personal and bool(parsed.kinds & PERSONAL_KINDS)
    limit = max(1, min(limit, SEARCH_LIMIT))
    condition = _parcel_condition(parsed, personal)

    if condition is None or not user.has_perm(PARCEL_PERMISSION):
        found = Parcel.objects.none()
    else:
        found = Parcel.objects.filter(condition)
    total = found.count()
    offset = min(max(offset, 0), total)
    page = list(_with_register_data(found)[offset : offset + limit])

    owners = owner_names(user, page)
    # A search by owner, ID number or certificate is a read of personal
    # data: recorded with ids and counts, never the query text.
    personal_read = personal and bool(parsed.kinds & PERSONAL_KINDS)
    logger.log(
        logging.INFO if personal_read else logging.DEBUG,
        "Parcel search by user %s: %d parcels, kinds %s",
        user.pk,
        total,
        ",".join(sorted(parsed.kinds)),
        extra={"user_id": user.pk, "result_count": total},
    )
    return SearchResult(
        query=query,
        parcels=page,
        total=total,
        offset=offset,
        kinds=parsed.kinds,
        personal_allowed=personal,
        personal_refused=refused,
        owners=owners,
    )


def _with_register_data(parcels: QuerySet) -> QuerySet:
    return parcels.select_related("map_sheet__commune", "commune").prefetch_related(
        "purposes__land_use_type"
    )


def owner_names(user, parcels: list[Parcel]) -> dict[int, list[str]]:
    """Return the holders' names of each parcel, or nothing without R14 access."""
    if not parcels or not can_read_personal_data(user):
        return {}
    names: dict[int, list[str]] = {p.pk: [] for p in parcels}
    rights = (
        Right.objects.filter(parcel__in=parcels)
        .select_related("holder")
        .order_by("parcel_id", "id")
    )
    for right in rights:
        if right.holder.full_name not in names[right.parcel_id]:
            names[right.parcel_id].append(right.holder.full_name)
    return names


def get_parcel_for_user(user, parcel_id: int) -> Parcel:
    """Return the parcel with its register data, or raise NotFoundError.

    A parcel the user may not see gets the same answer as a missing one.
    """
    # TODO(#5): jurisdiction; until the accounts issue every role with
    # view_parcel sees every commune's parcels.
    if not user.has_perm(PARCEL_PERMISSION):
        raise NotFoundError(parcel_id=parcel_id)
    try:
        return _with_register_data(Parcel.objects.all()).get(pk=parcel_id)
    except Parcel.DoesNotExist as err:
        raise NotFoundError(parcel_id=parcel_id) from err


def parcel_rights_for_user(user, parcel: Parcel) -> list[Right] | None:
    """Return the rights on a parcel with holders and certificates.

    None when the user's role may not read personal data (R14).
    """
    if not can_read_personal_data(user):
        return None
    return list(
        parcel.rights.select_related("holder", "certificate")
        .prefetch_related("holder__documents")
        .order_by("kind", "id")
    )


def parcels_extent(user) -> tuple[float, float, float, float] | None:
    """Return (xmin, ymin, xmax, ymax) of the parcels, in the storage CRS."""
    if not user.has_perm(PARCEL_PERMISSION):
        return None
    return Parcel.objects.aggregate(extent=Extent("geom"))["extent"]
