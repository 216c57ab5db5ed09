"""Reading code lists: which codes a parcel or a land user may carry.

A land-use code is assignable to a parcel if it is a leaf (a column of Biểu
05/TKKK, TT 08/2024) or a detail code directly under a leaf. In TT 08/2024
LUA is the leaf and LUC, LUK are its detail codes: parcels carry LUC or LUK,
reports count them under LUA. Aggregates (NNP, CHN, LNP, ...) are never
assignable. See `reference/data/README.md`.
"""

import logging

from django.utils.translation import gettext_lazy as _

from lis.core.errors import DomainError
from lis.reference.models import LandUserObjectType, LandUseType

logger = logging.getLogger(__name__)


class UnknownLandUseCodeError(DomainError):
    """The code is not an assignable land-use code of the catalogue."""

    code = "unknown_land_use_code"
    default_message = _("Unknown land-use code.")


class UnknownObjectCodeError(DomainError):
    """The code is not an assignable land-user or manager object code."""

    code = "unknown_object_code"
    default_message = _("Unknown land-user object code.")


def assignable_land_use_types(catalogue: str) -> list[LandUseType]:
    """Return the land-use types a parcel may carry, in catalogue order."""
    types = list(LandUseType.objects.in_catalogue(catalogue))
    by_id = {t.pk: t for t in types}
    return [t for t in types if _is_assignable(t, by_id)]


class LandUseCodeResolver:
    """Resolves land-use codes of one catalogue from memory (bulk imports).

    Codes are compared upper-case without surrounding blanks. Build one per
    import; it does not see codes loaded after it was built.
    """

    def __init__(self, catalogue: str) -> None:
        self.catalogue = catalogue
        types = list(LandUseType.objects.in_catalogue(catalogue))
        self._by_id = {t.pk: t for t in types}
        self._by_code = {t.code: t for t in types}
        if not types:
            logger.warning("No land-use codes loaded for catalogue %s", catalogue)

    def resolve(self, code: str) -> LandUseType:
        """Return the assignable type for `code` or raise UnknownLandUseCodeError."""
        key = code.strip().upper()
        land_use_type = self._by_code.get(key)
        if land_use_type is None:
            raise UnknownLandUseCodeError(
                _("%(code)s is not a land-use code of %(catalogue)s.")
                % {"code": key, "catalogue": self.catalogue},
                land_use_code=key,
                catalogue=self.catalogue,
            )
        if not _is_assignable(land_use_type, self._by_id):
            raise UnknownLandUseCodeError(
                _(
                    "%(code)s is an aggregate of %(catalogue)s and cannot be "
                    "recorded on a parcel; use a code under it."
                )
                % {"code": key, "catalogue": self.catalogue},
                land_use_code=key,
                catalogue=self.catalogue,
            )
        return land_use_type

    def report_type(self, code: str) -> LandUseType:
        """Return the leaf (report column) an assignable code is counted under."""
        land_use_type = self.resolve(code)
        if land_use_type.is_leaf:
            return land_use_type
        return self._by_id[land_use_type.parent_id]


class LandUserObjectResolver:
    """Resolves land-user and manager object codes of one catalogue."""

    def __init__(self, catalogue: str) -> None:
        self.catalogue = catalogue
        objects = LandUserObjectType.objects.filter(catalogue=catalogue)
        self._by_code = {o.code: o for o in objects}

    def resolve(self, code: str) -> LandUserObjectType:
        """Return the assignable object type or raise UnknownObjectCodeError."""
        key = code.strip().upper()
        object_type = self._by_code.get(key)
        if object_type is None or not object_type.is_leaf:
            raise UnknownObjectCodeError(
                _("%(code)s is not an assignable object code of %(catalogue)s.")
                % {"code": key, "catalogue": self.catalogue},
                object_code=key,
                catalogue=self.catalogue,
            )
        return object_type


def _is_assignable(land_use_type: LandUseType, by_id: dict[int, LandUseType]) -> bool:
    if land_use_type.is_leaf:
        return True
    parent = by_id.get(land_use_type.parent_id)
    return parent is not None and parent.is_leaf
