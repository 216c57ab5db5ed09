"""Checks across the rows of a land register and against the database:
each parcel exists and has no rights yet, its shares sum to 1, and each
identity document and certificate means one thing."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from django.db.models import Q
from django.utils.translation import gettext as _

from lis.cadastre.models import Certificate, IdentityDocument, Parcel, Right
from lis.cadastre.serials import canonical_serial
from lis.core.text import compact_key
from lis.exchange.land_register.columns import PARCEL_FACTS
from lis.exchange.land_register.entries import OwnerEntry, RowProblem
from lis.exchange.parcel_import import values
from lis.exchange.parcel_import.candidates import Rejection
from lis.exchange.parcel_import.coordinate_tables import describe_rows

QUERY_CHUNK = 500
SHARE_PLACES = Decimal("0.000001")
SERIAL_LENGTH = Certificate._meta.get_field("serial_number").max_length
REGISTER_LENGTH = Certificate._meta.get_field("register_number").max_length
ISSUER_LENGTH = Certificate._meta.get_field("issuer").max_length
ORIGIN_LENGTH = Right._meta.get_field("origin").max_length


@dataclass(frozen=True)
class CertificateFacts:
    serial: str
    serial_key: str
    register_number: str
    issue_date: date
    issuer: str


@dataclass
class ParcelGroup:
    """The rows of one parcel and what they say about it together."""

    key: tuple[int, int, int]
    entries: list[OwnerEntry]
    parcel_id: int | None = None
    certificate: CertificateFacts | None = None
    origin: str = ""
    shares: list[Decimal] = field(default_factory=list)

    @property
    def rows(self) -> list[int]:
        return [e.row for e in self.entries]

    @property
    def key_text(self) -> str:
        return self.entries[0].key_text


def _chunks(items: list, size: int = QUERY_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _decimal_text(value: Fraction) -> str:
    """1/2 → 0.5, 5/6 → 5/6: a decimal where one is exact."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def stored_shares(shares: list[Fraction]) -> list[Decimal]:
    """Shares to six places summing to exactly 1 (the last takes the rest)."""
    rounded = [
        (Decimal(s.numerator) / Decimal(s.denominator)).quantize(
            SHARE_PLACES, rounding=ROUND_DOWN
        )
        for s in shares[:-1]
    ]
    return [*rounded, Decimal(1) - sum(rounded, Decimal(0))]


class RegisterChecks:
    def __init__(self, reader) -> None:
        self.reader = reader
        self.rejections: list[Rejection] = []
        self._refused_rows: set[int] = set()

    def run(
        self, entries: list[OwnerEntry], incomplete: set[tuple]
    ) -> list[ParcelGroup]:
        """Every parcel's group; the rejections are kept on self.

        `incomplete` holds the (raw) keys of parcels with a row that could
        not be read: their shares cannot be judged from the rows left.
        """
        groups: dict[tuple, ParcelGroup] = {}
        for entry in entries:
            groups.setdefault(entry.key, ParcelGroup(entry.key, [])).entries.append(
                entry
            )
        for group in groups.values():
            self._parcel_facts(group)
            if not {e.raw_key for e in group.entries} & incomplete:
                self._shares(group)
            self._owners_once(group)
        live = list(groups.values())
        self._parcels_in_database(live)
        self._documents_consistent(live)
        self._certificates_consistent(live)
        return live

    def passed(self, group: ParcelGroup) -> bool:
        return not set(group.rows) & self._refused_rows

    def _refuse(self, entry: OwnerEntry, canonical: str, reason: str, code: str):
        self._refused_rows.add(entry.row)
        self.rejections.append(
            self.reader.rejection(entry, RowProblem(canonical, reason, code))
        )

    def _fact(self, group: ParcelGroup, canonical: str) -> tuple[str | None, list]:
        given: dict[str, list[OwnerEntry]] = defaultdict(list)
        for entry in group.entries:
            value = entry.facts[canonical]
            if not values.is_blank(value):
                given[value].append(entry)
        if len(given) > 1:
            listed = "; ".join(
                f"{value} ({describe_rows(e.row for e in rows)})"
                for value, rows in given.items()
            )
            for entry in group.entries:
                if entry.facts[canonical] is not None:
                    self._refuse(
                        entry,
                        canonical,
                        _(
                            "the rows of parcel %(key)s give different values: %(values)s"
                        )
                        % {"key": group.key_text, "values": listed},
                        "conflicting_values",
                    )
            return None, []
        value, carriers = next(iter(given.items()), (None, []))
        return value, carriers

    def _parcel_facts(self, group: ParcelGroup) -> None:
        facts = {name: self._fact(group, name) for name in PARCEL_FACTS}
        origin, carriers = facts["origin"]
        try:
            group.origin = values.text(origin, ORIGIN_LENGTH) if origin else ""
        except values.CellError as err:
            self._refuse(carriers[0], "origin", str(err), "invalid_value")
        serial, carriers = facts["certificate_serial"]
        if serial is None:
            return
        try:
            group.certificate = self._certificate(facts)
        except RowProblem as problem:
            target = facts[problem.canonical][1] or carriers
            self._refuse(target[0], problem.canonical, problem.reason, problem.code)

    @staticmethod
    def _certificate(facts: dict) -> CertificateFacts:
        def read(canonical, reader, required=False):
            value = facts[canonical][0]
            if value is None:
                if required:
                    raise RowProblem(
                        "certificate_serial", _("a certificate needs its issue date")
                    )
                return ""
            try:
                return reader(value)
            except values.CellError as err:
                raise RowProblem(canonical, str(err)) from err

        serial = canonical_serial(read("certificate_serial", values.text))
        if len(serial) > SERIAL_LENGTH:
            raise RowProblem(
                "certificate_serial",
                _("the serial has %(length)d characters; the register keeps %(limit)d")
                % {"length": len(serial), "limit": SERIAL_LENGTH},
            )
        return CertificateFacts(
            serial=serial,
            serial_key=compact_key(serial),
            register_number=read(
                "certificate_register", lambda v: values.text(v, REGISTER_LENGTH)
            ),
            issue_date=read("certificate_date", values.past_date, required=True),
            issuer=read("certificate_issuer", lambda v: values.text(v, ISSUER_LENGTH)),
        )

    def _shares(self, group: ParcelGroup) -> None:
        given = [e for e in group.entries if e.share is not None]
        if not given:
            count = len(group.entries)
            group.shares = stored_shares([Fraction(1, count)] * count)
            return
        blank = [e for e in group.entries if e.share is None]
        for entry in blank:
            self._refuse(
                entry,
                "share",
                _(
                    "the share is missing; give the share of every owner of parcel"
                    " %(key)s or of none (%(rows)s)"
                )
                % {"key": group.key_text, "rows": describe_rows(group.rows)},
                "share_missing",
            )
        total = sum((e.share for e in given), Fraction(0))
        if not blank and total != 1:
            for entry in group.entries:
                self._refuse(
                    entry,
                    "share",
                    _("the shares of parcel %(key)s sum to %(total)s, not 1 (%(rows)s)")
                    % {
                        "key": group.key_text,
                        "total": _decimal_text(total),
                        "rows": describe_rows(group.rows),
                    },
                    "shares_not_one",
                )
        if not blank and total == 1:
            group.shares = stored_shares([e.share for e in group.entries])

    def _owners_once(self, group: ParcelGroup) -> None:
        seen: dict[tuple, OwnerEntry] = {}
        for entry in group.entries:
            if entry.document is None:
                continue
            first = seen.setdefault(entry.document, entry)
            if first is not entry:
                self._refuse(
                    entry,
                    "owner_document",
                    _("%(number)s is already an owner of parcel %(key)s (%(row)s)")
                    % {
                        "number": entry.document_number,
                        "key": group.key_text,
                        "row": describe_rows([first.row]),
                    },
                    "duplicate_owner",
                )

    def _parcels_in_database(self, groups: list[ParcelGroup]) -> None:
        found: dict[tuple, int] = {}
        for chunk in _chunks(groups):
            condition = Q()
            for g in chunk:
                commune, sheet, number = g.key
                condition |= Q(
                    map_sheet__commune_id=commune,
                    map_sheet__number=sheet,
                    parcel_number=number,
                )
            rows = Parcel.objects.filter(condition).values_list(
                "map_sheet__commune_id", "map_sheet__number", "parcel_number", "pk"
            )
            found.update({(c, s, n): pk for c, s, n, pk in rows})
        held = set(
            Right.objects.filter(parcel_id__in=list(found.values())).values_list(
                "parcel_id", flat=True
            )
        )
        for group in groups:
            group.parcel_id = found.get(group.key)
            if group.parcel_id is None:
                reason = _("no parcel %(key)s in the database") % {
                    "key": group.key_text
                }
                code = "unknown_parcel"
            elif group.parcel_id in held:
                # TODO(#4): changing the rights of a parcel is a registration
                # (biến động) with its legal basis; this import only records
                # the first ones.
                reason = _(
                    "parcel %(key)s already has rights; changing them is a registration"
                ) % {"key": group.key_text}
                code = "parcel_has_rights"
            else:
                continue
            for entry in group.entries:
                self._refuse(entry, "parcel", reason, code)

    def _documents_consistent(self, groups: list[ParcelGroup]) -> None:
        entries: dict[tuple, list[OwnerEntry]] = defaultdict(list)
        for group in groups:
            for entry in group.entries:
                if entry.document is not None:
                    entries[entry.document].append(entry)
        for (_kind, number), items in entries.items():
            names = {e.name_key for e in items}
            years = {e.birth_year for e in items} - {None}
            if len(names) > 1 or len(years) > 1:
                for entry in items:
                    self._refuse(
                        entry,
                        "owner_document",
                        _(
                            "%(number)s is given with different names or years of"
                            " birth (%(rows)s)"
                        )
                        % {
                            "number": number,
                            "rows": describe_rows(e.row for e in items),
                        },
                        "document_conflict",
                    )
        known = self._documents_in_database(sorted({n for _k, n in entries}))
        for key, items in entries.items():
            person = known.get(key)
            if person is None:
                continue
            name_key, birth_year = person
            entry = items[0]
            same = name_key == entry.name_key and (
                birth_year is None or entry.birth_year in (None, birth_year)
            )
            if not same:
                for entry in items:
                    self._refuse(
                        entry,
                        "owner_document",
                        _("%(number)s belongs to another land user in the database")
                        % {"number": key[1]},
                        "document_conflict",
                    )

    @staticmethod
    def _documents_in_database(numbers: list[str]) -> dict:
        known = {}
        for chunk in _chunks(numbers):
            rows = IdentityDocument.objects.filter(number__in=chunk).values_list(
                "kind", "number", "holder__name_key", "holder__birth_year"
            )
            known.update({(k, n): (name, year) for k, n, name, year in rows})
        return known

    def _certificates_consistent(self, groups: list[ParcelGroup]) -> None:
        by_serial: dict[str, list[ParcelGroup]] = defaultdict(list)
        for group in groups:
            if group.certificate is not None:
                by_serial[group.certificate.serial].append(group)
        taken: set[str] = set()
        for chunk in _chunks(sorted(by_serial)):
            taken.update(
                Certificate.objects.filter(serial_number__in=chunk).values_list(
                    "serial_number", flat=True
                )
            )
        for serial, sharing in by_serial.items():
            if serial in taken:
                reason = _("certificate %(serial)s is already in the database") % {
                    "serial": serial
                }
                code = "certificate_exists"
            elif len({g.certificate for g in sharing}) > 1:
                reason = _(
                    "certificate %(serial)s is given with different dates, register"
                    " numbers or issuers (%(rows)s)"
                ) % {
                    "serial": serial,
                    "rows": describe_rows(r for g in sharing for r in g.rows),
                }
                code = "certificate_conflict"
            else:
                continue
            for group in sharing:
                carrier = next(
                    e
                    for e in group.entries
                    if e.facts["certificate_serial"] is not None
                )
                self._refuse(carrier, "certificate_serial", reason, code)
