"""Parcels as the portal's JSON shows them: search hits and parcel cards.

Only register data goes here; owners' names are added to a search hit by
the caller, and only for roles that may read personal data.
"""

from django.urls import reverse

from lis.admin_units.models import AdministrativeUnit
from lis.cadastre.models import Parcel
from lis.portal.coordinates import web_mercator_bounds
from lis.portal.templatetags.portal_format import area_m2


def commune_change(parcel: Parcel) -> str:
    """ "Old name → current name", or one name when the unit kept it."""
    surveyed = parcel.map_sheet.commune
    current = parcel.commune
    if surveyed.name == current.name:
        return surveyed.name
    return f"{surveyed.name} → {current.name}"


def _unit(unit: AdministrativeUnit) -> dict:
    return {"code": unit.code, "name": unit.name, "catalogue": unit.catalogue}


def search_hit(parcel: Parcel, owners: list[str] | None) -> dict:
    """One search result; `owners` is None when the user may not read them."""
    purposes = list(parcel.purposes.all())
    hit = {
        "id": parcel.pk,
        "legacy_key": parcel.legacy_key,
        "sheet": parcel.map_sheet.number,
        "parcel_number": parcel.parcel_number,
        "surveyed_commune": _unit(parcel.map_sheet.commune),
        "current_commune": _unit(parcel.commune),
        "commune_text": commune_change(parcel),
        "land_use": [p.land_use_type.code for p in purposes],
        "legal_area_m2": str(parcel.legal_area_m2),
        "legal_area_text": area_m2(parcel.legal_area_m2),
        "url": reverse("portal:parcel", args=[parcel.pk]),
    }
    if owners is not None:
        hit["owners"] = owners
    return hit


def parcel_card(parcel: Parcel) -> dict:
    """The card shown on the map for a parcel, with its extent in EPSG:3857."""
    purposes = list(parcel.purposes.all())
    return {
        **search_hit(parcel, None),
        "uid": parcel.uid,
        "address": parcel.address,
        "purposes": [
            {
                "code": p.land_use_type.code,
                "name": p.land_use_type.name,
                "area_m2": str(p.area_m2),
                "area_text": area_m2(p.area_m2),
            }
            for p in purposes
        ],
        "computed_area_m2": str(parcel.computed_area_m2),
        "computed_area_text": area_m2(parcel.computed_area_m2, 2),
        "bbox": web_mercator_bounds(parcel.geom),
    }
