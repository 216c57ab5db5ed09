"""Portal pages: the map, the parcel search and the parcel page."""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lis.cadastre.selectors import (
    can_read_personal_data,
    get_parcel_for_user,
    parcel_rights_for_user,
    search_parcels,
)
from lis.core.errors import NotFoundError
from lis.portal.access import portal_view
from lis.portal.coordinates import crs_name, vertex_rings, web_mercator_bounds
from lis.portal.legend import legend
from lis.portal.tiles.grid import PARCEL_MIN_ZOOM, SHEET_MIN_ZOOM

logger = logging.getLogger(__name__)

LABEL_MIN_ZOOM = 17
SHEET_LABEL_MIN_ZOOM = 13


def _map_settings() -> dict:
    """What the map script needs: endpoints, zoom thresholds, strings."""
    tile = reverse("portal:tile", args=[0, 0, 0]).replace("/0/0/0.", "/{z}/{x}/{y}.")
    return {
        "tileUrl": tile,
        "extentUrl": reverse("portal:api-extent"),
        "searchUrl": reverse("portal:api-search"),
        "parcelApiUrl": reverse("portal:api-parcel", args=[0]).removesuffix("0"),
        "parcelPageUrl": reverse("portal:parcel", args=[0]).removesuffix("0"),
        "parcelMinZoom": PARCEL_MIN_ZOOM,
        "sheetMinZoom": SHEET_MIN_ZOOM,
        "labelMinZoom": LABEL_MIN_ZOOM,
        "sheetLabelMinZoom": SHEET_LABEL_MIN_ZOOM,
        "legend": legend(),
        "text": {
            "sheet": _("Sheet %(number)s"),
            "landUse": _("Land use"),
            "legalArea": _("Legal area"),
            "computedArea": _("Computed area"),
            "commune": _("Commune"),
            "address": _("Address"),
            "owners": _("Owners"),
            "openParcel": _("Open the parcel page"),
            "noResult": _("No parcel found."),
            "more": _("%(count)s more: refine the search."),
            "found": _("Parcels found: %(count)s."),
            "searchFailed": _("The search failed; try again."),
            "close": _("Close"),
        },
    }


@portal_view
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The parcel map: vector tiles, search box, parcel card."""
    return render(
        request,
        "portal/map.html",
        {
            "map_settings": _map_settings(),
            "legend": legend(),
            "personal_allowed": can_read_personal_data(request.user),
        },
    )


@portal_view
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Search parcels by key; by owner, ID or certificate where allowed."""
    query = request.GET.get("q", "").strip()
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        offset = 0
    result = search_parcels(request.user, query, offset=offset) if query else None
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "result": result,
            "rows": [(p, result.owners.get(p.pk, [])) for p in result.parcels]
            if result
            else [],
            "personal_allowed": can_read_personal_data(request.user),
        },
    )


def _certificates(rights: list | None) -> list:
    if not rights:
        return []
    seen = {}
    for right in rights:
        if right.certificate_id and right.certificate_id not in seen:
            seen[right.certificate_id] = right.certificate
    return list(seen.values())


@portal_view
@require_GET
def parcel_page(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """The parcel: legacy key, land use, areas, rights, vertex table, map."""
    try:
        parcel = get_parcel_for_user(request.user, parcel_id)
    except NotFoundError as err:
        raise Http404(str(err.message)) from err
    rights = parcel_rights_for_user(request.user, parcel)
    if rights is not None:
        logger.info(
            "Land users of parcel %s shown to user %s",
            parcel.pk,
            request.user.pk,
            extra={"parcel_id": parcel.pk, "user_id": request.user.pk},
        )
    return render(
        request,
        "portal/parcel.html",
        {
            "parcel": parcel,
            "purposes": list(parcel.purposes.all()),
            "rights": rights,
            "certificates": _certificates(rights),
            "rings": vertex_rings(parcel.geom),
            "crs_name": crs_name(parcel.geom.srid),
            "bbox": web_mercator_bounds(parcel.geom),
            "map_settings": _map_settings(),
            "legend": legend(),
        },
    )
