"""Reading administrative units: codes to units, old units to current ones.

A five-digit code alone does not name land: since 1 July 2025 new communes
reuse old codes (25195 was Phường Tân Phú and is now Phường Bình Phước;
QĐ 19/2025/QĐ-TTg). A code found in both catalogues resolves without a
catalogue only when the unit was kept unchanged ("Giữ nguyên", NQ
1662/NQ-UBTVQH15); then the old-catalogue unit is returned, since old data
is recorded against it.
"""

import logging

from django.utils.translation import gettext_lazy as _

from lis.admin_units.errors import (
    AmbiguousUnitCodeError,
    NoSingleSuccessorError,
    UnknownUnitCodeError,
)
from lis.admin_units.models import AdministrativeUnit, UnitCatalogue, UnitSuccession

logger = logging.getLogger(__name__)


def resolve_commune_code(code: str, catalogue: str | None = None) -> AdministrativeUnit:
    """Return the commune-level unit a code names.

    With a catalogue, the commune of that catalogue. Without one, the
    catalogue where the code exists; a code in both resolves to the old unit
    if the unit was kept unchanged, and is ambiguous otherwise.
    """
    code = code.strip()
    units = AdministrativeUnit.objects.communes().filter(code=code)
    by_catalogue = {unit.catalogue: unit for unit in units}
    kept = _kept_unchanged(by_catalogue)
    return _choose(code, catalogue, by_catalogue, kept)


def current_unit(unit: AdministrativeUnit) -> AdministrativeUnit:
    """Return the unit of the 2025 catalogue that now holds `unit`'s land.

    A 2025 unit is its own current unit. An old commune has exactly one
    successor in former Bình Phước; a unit with none (a district: the level
    was abolished) or with several (a split) raises `NoSingleSuccessorError`.
    """
    if unit.catalogue == UnitCatalogue.FROM_2025:
        return unit
    successors = [s.successor for s in unit.successions.select_related("successor")]
    return _single_successor(unit, successors)


class CommuneResolver:
    """Answers code lookups from memory, for imports of many rows.

    Loads every commune-level unit and succession once; `resolve` and
    `current` follow the same rules and raise the same errors as
    `resolve_commune_code` and `current_unit`. Build one per import: it
    does not see units loaded after it was built.
    """

    def __init__(self) -> None:
        self._units: dict[str, dict[str, AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.communes():
            self._units.setdefault(unit.code, {})[unit.catalogue] = unit
        by_id = {u.pk: u for units in self._units.values() for u in units.values()}
        self._successors: dict[int, list[AdministrativeUnit]] = {}
        self._kept: set[tuple[int, int]] = set()
        for row in UnitSuccession.objects.values_list(
            "predecessor_id", "successor_id", "keeps_identity"
        ):
            predecessor_id, successor_id, keeps_identity = row
            if successor_id in by_id:
                successors = self._successors.setdefault(predecessor_id, [])
                successors.append(by_id[successor_id])
            if keeps_identity:
                self._kept.add((predecessor_id, successor_id))
        logger.debug("Commune resolver loaded %d codes", len(self._units))

    def resolve(self, code: str, catalogue: str | None = None) -> AdministrativeUnit:
        """Return the commune a code names (rules of `resolve_commune_code`)."""
        code = code.strip()
        by_catalogue = self._units.get(code, {})
        old = by_catalogue.get(UnitCatalogue.BEFORE_2025)
        new = by_catalogue.get(UnitCatalogue.FROM_2025)
        kept = bool(old and new and (old.pk, new.pk) in self._kept)
        return _choose(code, catalogue, by_catalogue, kept)

    def current(self, unit: AdministrativeUnit) -> AdministrativeUnit:
        """Return the 2025 unit holding `unit`'s land (rules of `current_unit`)."""
        if unit.catalogue == UnitCatalogue.FROM_2025:
            return unit
        return _single_successor(unit, self._successors.get(unit.pk, []))


def _kept_unchanged(by_catalogue: dict[str, AdministrativeUnit]) -> bool:
    old = by_catalogue.get(UnitCatalogue.BEFORE_2025)
    new = by_catalogue.get(UnitCatalogue.FROM_2025)
    if old is None or new is None:
        return False
    return UnitSuccession.objects.filter(
        predecessor=old, successor=new, keeps_identity=True
    ).exists()


def _choose(
    code: str,
    catalogue: str | None,
    by_catalogue: dict[str, AdministrativeUnit],
    kept: bool,
) -> AdministrativeUnit:
    if catalogue is not None:
        unit = by_catalogue.get(catalogue)
        if unit is None:
            raise UnknownUnitCodeError(
                _("No commune has the code %(code)s in catalogue %(catalogue)s.")
                % {"code": code, "catalogue": catalogue},
                unit_code=code,
                catalogue=catalogue,
            )
        return unit
    if not by_catalogue:
        raise UnknownUnitCodeError(
            _("No commune has the code %(code)s.") % {"code": code}, unit_code=code
        )
    if len(by_catalogue) == 1 or kept:
        return by_catalogue.get(UnitCatalogue.BEFORE_2025) or next(
            iter(by_catalogue.values())
        )
    raise _ambiguity(code, by_catalogue)


def _ambiguity(
    code: str, by_catalogue: dict[str, AdministrativeUnit]
) -> AmbiguousUnitCodeError:
    old = by_catalogue[UnitCatalogue.BEFORE_2025]
    new = by_catalogue[UnitCatalogue.FROM_2025]
    return AmbiguousUnitCodeError(
        _(
            "The code %(code)s names %(old)s until 30/06/2025 (catalogue "
            "%(old_catalogue)s) and %(new)s from 01/07/2025 (catalogue "
            "%(new_catalogue)s). Name the catalogue."
        )
        % {
            "code": code,
            "old": old.name,
            "old_catalogue": old.catalogue,
            "new": new.name,
            "new_catalogue": new.catalogue,
        },
        unit_code=code,
    )


def _single_successor(
    unit: AdministrativeUnit, successors: list[AdministrativeUnit]
) -> AdministrativeUnit:
    if len(successors) == 1:
        return successors[0]
    if not successors:
        message = _("%(unit)s has no successor in the catalogue from 01/07/2025.")
    else:
        message = _("%(unit)s was split; its parcels' location decides the new unit.")
    raise NoSingleSuccessorError(message % {"unit": unit}, unit_id=unit.pk)
