"""Checks across features and against the database: keys, identifiers,
identity documents and certificates must each mean one thing.

The checks are fed chunk by chunk (`add`) while the file streams, keeping
only compact facts (packed integers in arrays, a few bytes per feature), and
judged once the whole file is read (`finish`), so that memory stays flat
with the file's size.
"""

import bisect
from array import array
from collections.abc import Iterable, Iterator

import numpy as np
from django.utils.translation import gettext as _

from lis.cadastre.models import Certificate, IdentityDocument, Parcel
from lis.exchange.parcel_import.candidates import Candidate, Rejection
from lis.exchange.parcel_import.fields import FieldMap

QUERY_CHUNK = 500
_GEOHASH = "0123456789bcdefghjkmnpqrstuvwxyz"
# A legacy key packed into one integer: commune id, sheet, parcel number.
_SHEET_FACTOR = 10**6
_COMMUNE_FACTOR = 10**11


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pack_key(commune_id: int, sheet: int, parcel: int) -> int:
    return commune_id * _COMMUNE_FACTOR + sheet * _SHEET_FACTOR + parcel


def _unpack_key(packed: int) -> tuple[int, int, int]:
    commune_id, rest = divmod(packed, _COMMUNE_FACTOR)
    sheet, parcel = divmod(rest, _SHEET_FACTOR)
    return commune_id, sheet, parcel


def _pack_uid(uid: str) -> int:
    value = 0
    for ch in uid:
        value = value * 32 + _GEOHASH.index(ch)
    return value


def _groups(keys: array) -> Iterator[np.ndarray]:
    """Yield, for each key that occurs more than once, the indexes holding it."""
    values = (
        np.frombuffer(keys, dtype=np.int64) if len(keys) else np.array([], np.int64)
    )
    if len(values) < 2:
        return
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.diff(ordered)) + 1
    for group in np.split(order, starts):
        if len(group) > 1:
            yield group


class CrossChecks:
    """Keys, GeoHash identifiers, identity documents and certificate serials
    that must be unique, or consistent, across the file and the database."""

    def __init__(self, candidates: list[Candidate] | None, fields: FieldMap) -> None:
        self.fields = fields
        self._candidates = candidates
        self._codes: dict[int, str] = {}
        self._existing: dict[int, set[tuple[int, int]]] = {}
        # One entry per accepted feature.
        self._features = array("q")
        self._keys = array("q")
        self._uids = array("q")
        self._key_taken: list[int] = []
        self._uid_taken: list[int] = []
        # One entry per owner with a document.
        self._doc_features = array("q")
        self._doc_keys = array("q")
        self._doc_names = array("q")
        self._doc_years = array("q")
        self._doc_fields: list[str] = []
        self._doc_numbers: list[str] = []
        self._doc_kinds: list[str] = []
        self._doc_db: dict[tuple[str, str], tuple[str, int | None]] = {}
        # One entry per certificate mention.
        self._cert_features = array("q")
        self._cert_keys = array("q")
        self._cert_facts = array("q")
        self._cert_fields: list[str] = []
        self._cert_serials: list[str] = []
        self._cert_taken: set[str] = set()

    # Feeding

    def add(self, candidates: list[Candidate]) -> None:
        """Record the facts of a chunk of accepted candidates."""
        for c in candidates:
            if self._features and c.feature <= self._features[-1]:
                raise ValueError("Candidates must come in the order of their features.")
            self._codes[c.commune.pk] = c.commune.code
            self._features.append(c.feature)
            self._keys.append(_pack_key(c.commune.pk, c.sheet, c.parcel))
            self._uids.append(_pack_uid(c.uid))
            self._add_owners(c)
            self._add_certificate(c)
        self._check_database(candidates)

    def _add_owners(self, c: Candidate) -> None:
        for owner in c.owners:
            if not owner.document_number:
                continue
            self._doc_features.append(c.feature)
            self._doc_keys.append(hash((owner.document_kind, owner.document_number)))
            self._doc_names.append(hash(owner.name_key))
            self._doc_years.append(owner.birth_year or 0)
            self._doc_fields.append(owner.document_field)
            self._doc_numbers.append(owner.document_number)
            self._doc_kinds.append(owner.document_kind)

    def _add_certificate(self, c: Candidate) -> None:
        certificate = c.certificate
        if certificate is None:
            return
        holders = tuple(sorted(o.document_number or o.name_key for o in c.owners))
        facts = (holders, certificate.issue_date, certificate.register_number)
        self._cert_features.append(c.feature)
        self._cert_keys.append(hash(certificate.serial))
        self._cert_facts.append(hash(facts))
        self._cert_fields.append(certificate.serial_field)
        self._cert_serials.append(certificate.serial)

    def _check_database(self, candidates: list[Candidate]) -> None:
        for c in candidates:
            if c.commune.pk not in self._existing:
                self._existing[c.commune.pk] = set(
                    Parcel.objects.filter(
                        map_sheet__commune_id=c.commune.pk
                    ).values_list("map_sheet__number", "parcel_number")
                )
            if (c.sheet, c.parcel) in self._existing[c.commune.pk]:
                self._key_taken.append(c.feature)
        uids = {c.uid: c.feature for c in candidates}
        for chunk in _chunks(list(uids)):
            for uid in Parcel.objects.filter(uid__in=chunk).values_list(
                "uid", flat=True
            ):
                self._uid_taken.append(uids[uid])
        self._load_documents(candidates)
        serials = sorted({c.certificate.serial for c in candidates if c.certificate})
        for chunk in _chunks(serials):
            self._cert_taken.update(
                Certificate.objects.filter(serial_number__in=chunk).values_list(
                    "serial_number", flat=True
                )
            )

    def _load_documents(self, candidates: list[Candidate]) -> None:
        numbers = sorted(
            {
                o.document_number
                for c in candidates
                for o in c.owners
                if o.document_number
            }
        )
        for chunk in _chunks(numbers):
            rows = IdentityDocument.objects.filter(number__in=chunk).values_list(
                "kind", "number", "holder__name_key", "holder__birth_year"
            )
            self._doc_db.update(
                {(kind, number): (name, year) for kind, number, name, year in rows}
            )

    # Judging

    def finish(self) -> tuple[set[int], list[Rejection]]:
        """Return the refused features and why, once every chunk was added."""
        rejections: list[Rejection] = []
        rejections += self._duplicate_keys()
        rejections += self._taken_keys()
        rejections += self._duplicate_uids()
        rejections += self._taken_uids()
        rejections += self._documents()
        rejections += self._certificates()
        rejections.sort(key=lambda r: (r.feature, r.field))
        return {r.feature for r in rejections}, rejections

    def run(self) -> tuple[list[Candidate], list[Rejection]]:
        """Check a list held in memory: the accepted candidates and rejections."""
        self.add(self._candidates)
        refused, rejections = self.finish()
        accepted = [c for c in self._candidates if c.feature not in refused]
        return accepted, rejections

    def _index(self, feature: int) -> int:
        return bisect.bisect_left(self._features, feature)

    def _rejection(self, feature: int, field: str, reason: str, code: str) -> Rejection:
        _commune, sheet, parcel = _unpack_key(self._keys[self._index(feature)])
        return Rejection(feature, str(sheet), str(parcel), field, reason, code)

    def _key_text(self, feature: int) -> str:
        commune_id, sheet, parcel = _unpack_key(self._keys[self._index(feature)])
        return f"{self._codes[commune_id]}/{sheet}/{parcel}"

    def _duplicate_keys(self) -> Iterator[Rejection]:
        # Neither copy is trusted: which one is right is for a person to say.
        field = self.fields.source("parcel")
        for group in _groups(self._keys):
            features = sorted(self._features[i] for i in group)
            for feature in features:
                others = ", ".join(f"#{f}" for f in features if f != feature)
                yield self._rejection(
                    feature,
                    field,
                    _("the key %(key)s is also used by feature %(others)s")
                    % {"key": self._key_text(feature), "others": others},
                    "duplicate_key",
                )

    def _taken_keys(self) -> Iterator[Rejection]:
        field = self.fields.source("parcel")
        for feature in self._key_taken:
            yield self._rejection(
                feature,
                field,
                _("a parcel with the key %(key)s is already in the database")
                % {"key": self._key_text(feature)},
                "key_exists",
            )

    def _uid_text(self, feature: int) -> str:
        value, letters = self._uids[self._index(feature)], []
        for _step in range(12):
            value, digit = divmod(value, 32)
            letters.append(_GEOHASH[digit])
        return "".join(reversed(letters))

    def _duplicate_uids(self) -> Iterator[Rejection]:
        for group in _groups(self._uids):
            features = sorted(self._features[i] for i in group)
            for feature in features:
                others = ", ".join(f"#{f}" for f in features if f != feature)
                yield self._rejection(
                    feature,
                    _("geometry"),
                    _("its identifier %(uid)s is also that of feature %(others)s")
                    % {"uid": self._uid_text(feature), "others": others},
                    "duplicate_uid",
                )

    def _taken_uids(self) -> Iterator[Rejection]:
        for feature in self._uid_taken:
            yield self._rejection(
                feature,
                _("geometry"),
                _("its identifier %(uid)s belongs to a parcel in the database")
                % {"uid": self._uid_text(feature)},
                "uid_exists",
            )

    def _documents(self) -> Iterator[Rejection]:
        for group in _groups(self._doc_keys):
            names = {self._doc_names[i] for i in group}
            years = {self._doc_years[i] for i in group} - {0}
            if len(names) > 1 or len(years) > 1:
                features = ", ".join(f"#{self._doc_features[i]}" for i in group)
                for i in group:
                    yield self._rejection(
                        self._doc_features[i],
                        self._doc_fields[i],
                        _(
                            "%(number)s is given with different names or years of"
                            " birth (features %(features)s)"
                        )
                        % {"number": self._doc_numbers[i], "features": features},
                        "document_conflict",
                    )
        yield from self._documents_in_database()

    def _documents_in_database(self) -> Iterator[Rejection]:
        for i, number in enumerate(self._doc_numbers):
            known = self._doc_db.get((self._doc_kinds[i], number))
            if known is None:
                continue
            name_key, year = known
            same = hash(name_key) == self._doc_names[i] and (
                year is None or not self._doc_years[i] or year == self._doc_years[i]
            )
            if not same:
                yield self._rejection(
                    self._doc_features[i],
                    self._doc_fields[i],
                    _("%(number)s belongs to another land user in the database")
                    % {"number": self._doc_numbers[i]},
                    "document_conflict",
                )

    def _certificates(self) -> Iterator[Rejection]:
        for group in _groups(self._cert_keys):
            if len({self._cert_facts[i] for i in group}) > 1:
                features = ", ".join(f"#{self._cert_features[i]}" for i in group)
                for i in group:
                    yield self._rejection(
                        self._cert_features[i],
                        self._cert_fields[i],
                        _(
                            "certificate %(serial)s is given with different holders,"
                            " dates or register numbers (features %(features)s)"
                        )
                        % {"serial": self._cert_serials[i], "features": features},
                        "certificate_conflict",
                    )
        for i, serial in enumerate(self._cert_serials):
            if serial in self._cert_taken:
                yield self._rejection(
                    self._cert_features[i],
                    self._cert_fields[i],
                    _("certificate %(serial)s is already in the database")
                    % {"serial": serial},
                    "certificate_exists",
                )
