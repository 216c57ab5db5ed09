"""Checks across features and against the database: keys, identifiers,
identity documents and certificates must each mean one thing."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from lis.cadastre.models import Certificate, IdentityDocument, Parcel
from lis.exchange.parcel_import.candidates import Candidate, Rejection
from lis.exchange.parcel_import.fields import FieldMap

QUERY_CHUNK = 500


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _features(candidates: Iterable[Candidate], but: Candidate) -> str:
    return ", ".join(f"#{c.feature}" for c in candidates if c is not but)


class CrossChecks:
    def __init__(self, candidates: list[Candidate], fields: FieldMap) -> None:
        self.candidates = candidates
        self.fields = fields
        self.rejections: list[Rejection] = []
        self._refused: set[int] = set()

    def run(self) -> tuple[list[Candidate], list[Rejection]]:
        for check in (
            self._keys_unique_in_file,
            self._keys_new_to_database,
            self._uids_unique,
            self._documents_consistent,
            self._certificates_consistent,
        ):
            check()
        accepted = [c for c in self.candidates if c.feature not in self._refused]
        return accepted, sorted(self.rejections, key=lambda r: r.feature)

    def _refuse(self, candidate: Candidate, field: str, reason: str, code: str) -> None:
        self._refused.add(candidate.feature)
        self.rejections.append(
            Rejection(
                candidate.feature,
                candidate.sheet_text,
                candidate.parcel_text,
                field,
                reason,
                code,
            )
        )

    def _live(self) -> list[Candidate]:
        return [c for c in self.candidates if c.feature not in self._refused]

    def _groups(self, key: Callable[[Candidate], object]) -> dict:
        groups: dict = defaultdict(list)
        for candidate in self._live():
            value = key(candidate)
            if value is not None:
                groups[value].append(candidate)
        return groups

    def _keys_unique_in_file(self) -> None:
        # Neither copy is trusted: which one is right is for a person to say.
        field = self.fields.source("parcel")
        for group in self._groups(lambda c: c.key).values():
            if len(group) < 2:
                continue
            for candidate in group:
                self._refuse(
                    candidate,
                    field,
                    _("the key %(key)s is also used by feature %(others)s")
                    % {
                        "key": _key_text(candidate),
                        "others": _features(group, candidate),
                    },
                    "duplicate_key",
                )

    def _keys_new_to_database(self) -> None:
        field = self.fields.source("parcel")
        communes = {c.commune.pk for c in self._live()}
        existing = set(
            Parcel.objects.filter(map_sheet__commune_id__in=communes).values_list(
                "map_sheet__commune_id", "map_sheet__number", "parcel_number"
            )
        )
        for candidate in self._live():
            if candidate.key in existing:
                self._refuse(
                    candidate,
                    field,
                    _("a parcel with the key %(key)s is already in the database")
                    % {"key": _key_text(candidate)},
                    "key_exists",
                )

    def _uids_unique(self) -> None:
        geometry = _("geometry")
        for group in self._groups(lambda c: c.uid).values():
            if len(group) > 1:
                for candidate in group:
                    self._refuse(
                        candidate,
                        geometry,
                        _("its identifier %(uid)s is also that of feature %(others)s")
                        % {"uid": candidate.uid, "others": _features(group, candidate)},
                        "duplicate_uid",
                    )
        uids = [c.uid for c in self._live()]
        taken: set[str] = set()
        for chunk in _chunks(uids):
            taken.update(
                Parcel.objects.filter(uid__in=chunk).values_list("uid", flat=True)
            )
        for candidate in self._live():
            if candidate.uid in taken:
                self._refuse(
                    candidate,
                    geometry,
                    _("its identifier %(uid)s belongs to a parcel in the database")
                    % {"uid": candidate.uid},
                    "uid_exists",
                )

    def _owner_entries(self) -> dict[tuple[str, str], list[tuple[Candidate, object]]]:
        entries: dict = defaultdict(list)
        for candidate in self._live():
            for owner in candidate.owners:
                if owner.document_number:
                    key = (owner.document_kind, owner.document_number)
                    entries[key].append((candidate, owner))
        return entries

    def _documents_consistent(self) -> None:
        entries = self._owner_entries()
        for (_kind, number), items in entries.items():
            names = {owner.name_key for _c, owner in items}
            years = {owner.birth_year for _c, owner in items} - {None}
            if len(names) > 1 or len(years) > 1:
                for candidate, owner in items:
                    self._refuse(
                        candidate,
                        owner.document_field,
                        _(
                            "%(number)s is given with different names or years of"
                            " birth (features %(features)s)"
                        )
                        % {
                            "number": number,
                            "features": ", ".join(f"#{c.feature}" for c, _o in items),
                        },
                        "document_conflict",
                    )
        known = self._documents_in_database(list(entries))
        for key, items in self._owner_entries().items():
            if key in known and not _same_person(known[key], items[0][1]):
                for candidate, owner in items:
                    self._refuse(
                        candidate,
                        owner.document_field,
                        _("%(number)s belongs to another land user in the database")
                        % {"number": key[1]},
                        "document_conflict",
                    )

    @staticmethod
    def _documents_in_database(keys: list[tuple[str, str]]) -> dict:
        known = {}
        numbers = sorted({number for _kind, number in keys})
        for chunk in _chunks(numbers):
            rows = IdentityDocument.objects.filter(number__in=chunk).values_list(
                "kind", "number", "holder__name_key", "holder__birth_year"
            )
            known.update(
                {(kind, number): (name, year) for kind, number, name, year in rows}
            )
        return known

    def _certificates_consistent(self) -> None:
        groups = self._groups(lambda c: c.certificate.serial if c.certificate else None)
        for serial, group in groups.items():
            facts = {
                (
                    tuple(sorted(o.document_number or o.name_key for o in c.owners)),
                    c.certificate.issue_date,
                    c.certificate.register_number,
                )
                for c in group
            }
            if len(facts) > 1:
                for candidate in group:
                    self._refuse(
                        candidate,
                        candidate.certificate.serial_field,
                        _(
                            "certificate %(serial)s is given with different holders,"
                            " dates or register numbers (features %(features)s)"
                        )
                        % {
                            "serial": serial,
                            "features": ", ".join(f"#{c.feature}" for c in group),
                        },
                        "certificate_conflict",
                    )
        serials = sorted(groups)
        taken: set[str] = set()
        for chunk in _chunks(serials):
            taken.update(
                Certificate.objects.filter(serial_number__in=chunk).values_list(
                    "serial_number", flat=True
                )
            )
        for candidate in self._live():
            if candidate.certificate and candidate.certificate.serial in taken:
                self._refuse(
                    candidate,
                    candidate.certificate.serial_field,
                    _("certificate %(serial)s is already in the database")
                    % {"serial": candidate.certificate.serial},
                    "certificate_exists",
                )


def _same_person(known: tuple[str, int | None], owner) -> bool:
    name_key, birth_year = known
    if name_key != owner.name_key:
        return False
    return (
        birth_year is None or owner.birth_year is None or birth_year == owner.birth_year
    )


def _key_text(candidate: Candidate) -> str:
    return f"{candidate.commune.code}/{candidate.sheet}/{candidate.parcel}"
