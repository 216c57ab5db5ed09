"""Identifiers and references between the records of an exchange file.

The schema states these rules in its opening comment rather than as
xs:key / xs:keyref: libxml2, validating a stream, keeps every key of the
file in memory (some 2 kB a parcel), where these checks keep the
identifiers only, and can name the line of each fault.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from lis.exchange.national_xml.records import children

# Record → its identifier element and the namespace of identifiers it
# shares: persons, organisations and couples are all land users.
IDENTIFIERS = {
    "CaNhan": ("caNhanID", "holder"),
    "ToChuc": ("toChucID", "holder"),
    "VoChong": ("voChongID", "holder"),
    "GiayChungNhan": ("giayChungNhanID", "certificate"),
    "DC_ThuaDat": ("thuaDatID", "parcel"),
}
PERSON = frozenset({"CaNhan"})
HOLDER = frozenset({"CaNhan", "ToChuc", "VoChong"})
CERTIFICATE = frozenset({"GiayChungNhan"})
PARCEL = frozenset({"DC_ThuaDat"})


class References:
    """Identifiers seen so far, and the references still waiting for theirs."""

    def __init__(self, report: Callable[[int, str], None]) -> None:
        self.report = report
        # namespace → identifier → (record tag, line)
        self.defined: dict[str, dict[str, tuple[str, int]]] = {
            "holder": {},
            "certificate": {},
            "parcel": {},
        }
        # (namespace, identifier) → (line, element, record tags it may name)
        # of a reference met before its record (a right's parcel, always).
        self.waiting: dict[tuple[str, str], tuple[int, str, frozenset]] = {}

    def check(self, element, valid: bool) -> None:
        """Record a record's identifier; check its references if it is valid.

        An invalid record's identifier is recorded all the same, so that
        what cites it is not reported too.
        """
        if element.tag not in IDENTIFIERS and element.tag != "QuyenSuDungDat":
            return
        values = children(element)
        if element.tag in IDENTIFIERS:
            name, space = IDENTIFIERS[element.tag]
            self._define(space, name, values.get(name), element)
        if not valid:
            return
        if element.tag == "VoChong":
            for spouse in ("voID", "chongID"):
                self._refer(element, spouse, values[spouse], "holder", PERSON)
        elif element.tag == "QuyenSuDungDat":
            self._refer(element, "doiTuongID", values["doiTuongID"], "holder", HOLDER)
            if values.get("giayChungNhanID"):
                self._refer(
                    element,
                    "giayChungNhanID",
                    values["giayChungNhanID"],
                    "certificate",
                    CERTIFICATE,
                )
            self._refer(element, "thuaDatID", values["thuaDatID"], "parcel", PARCEL)

    def finish(self) -> None:
        """Name the references whose record the file never defined."""
        for (_space, ident), (line, name, kinds) in self.waiting.items():
            self._missing(line, name, ident, kinds)

    def _define(self, space: str, name: str, ident: str | None, element) -> None:
        if ident is None:
            return
        known = self.defined[space]
        line = element.find(name).sourceline
        if ident in known:
            self.report(
                line,
                _("%(element)s %(id)s is already the identifier of line %(line)d")
                % {"element": name, "id": ident, "line": known[ident][1]},
            )
            return
        known[ident] = (element.tag, line)
        waiting = self.waiting.pop((space, ident), None)
        if waiting is not None and element.tag not in waiting[2]:
            self._missing(waiting[0], waiting[1], ident, waiting[2])

    def _refer(
        self, element, name: str, ident: str, space: str, kinds: frozenset
    ) -> None:
        line = element.find(name).sourceline
        found = self.defined[space].get(ident)
        if found is None:
            self.waiting.setdefault((space, ident), (line, name, kinds))
        elif found[0] not in kinds:
            self._missing(line, name, ident, kinds)

    def _missing(self, line: int, name: str, ident: str, kinds: frozenset) -> None:
        self.report(
            line,
            _("%(element)s %(id)s names no %(kinds)s of the file")
            % {"element": name, "id": ident, "kinds": "/".join(sorted(kinds))},
        )
