"""JSON and vector-tile endpoints of the map page, behind the portal login.

Plain Django views rather than DRF: like the pages, they send anonymous
visitors to the login page (R16), and they share the pages' selectors.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from pyproj import Transformer

from lis.cadastre.selectors import (
    SEARCH_LIMIT,
    get_parcel_for_user,
    parcels_extent,
    search_parcels,
)
from lis.core.errors import NotFoundError
from lis.portal.access import portal_view
from lis.portal.coordinates import web_mercator_extent
from lis.portal.presenters import parcel_card, search_hit
from lis.portal.tiles import render_tile
from lis.portal.tiles.grid import TileBox

logger = logging.getLogger(__name__)

# Former Bình Phước province (DOMAIN.md §1.2), shown while no parcel exists.
DEFAULT_EXTENT_LONLAT = (106.4, 11.3, 107.45, 12.3)
TILE_MAX_AGE_SECONDS = 60
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


@portal_view
@require_GET
def extent(request: HttpRequest) -> JsonResponse:
    """Return the bbox of all parcels in EPSG:3857 (the province if none)."""
    stored = parcels_extent(request.user)
    if stored is None:
        # WGS84 to Web Mercator is a projection on one datum: no shift.
        to_mercator = Transformer.from_crs(4326, 3857, always_xy=True)
        bbox = list(to_mercator.transform_bounds(*DEFAULT_EXTENT_LONLAT))
    else:
        bbox = web_mercator_extent(stored)
    return JsonResponse({"bbox": bbox, "srid": 3857, "empty": stored is None})


@portal_view
@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """Search parcels by key, and by owner, ID or certificate where allowed."""
    query = request.GET.get("q", "").strip()
    offset = _int_param(request, "offset", 0)
    limit = _int_param(request, "limit", SEARCH_LIMIT)
    result = search_parcels(request.user, query, offset=offset, limit=limit)
    owners = result.owners if result.personal_allowed else None
    hits = [
        search_hit(p, owners.get(p.pk, []) if owners is not None else None)
        for p in result.parcels
    ]
    return JsonResponse(
        {
            "query": query,
            "count": result.total,
            "more": result.more,
            "next_offset": result.next_offset,
            "personal_search": result.personal_allowed,
            "personal_refused": result.personal_refused,
            "results": hits,
        }
    )


@portal_view
@require_GET
def parcel(request: HttpRequest, parcel_id: int) -> JsonResponse:
    """Return the map card of a parcel (register data, no personal data)."""
    try:
        found = get_parcel_for_user(request.user, parcel_id)
    except NotFoundError as err:
        return JsonResponse(
            {"error": {"code": err.code, "message": str(err.message)}}, status=404
        )
    return JsonResponse(parcel_card(found))


@portal_view
@require_GET
def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """Return one vector tile of parcels and map sheets (MVT)."""
    box = TileBox.checked(z, x, y)
    if box is None:
        raise Http404("No such tile.")
    response = HttpResponse(render_tile(box), content_type=MVT_CONTENT_TYPE)
    response["Cache-Control"] = f"private, max-age={TILE_MAX_AGE_SECONDS}"
    return response
