from django.urls import path

from lis.portal import api, views

app_name = "portal"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("search", views.search_page, name="search"),
    path("parcels/<int:parcel_id>", views.parcel_page, name="parcel"),
    path("tiles/<int:z>/<int:x>/<int:y>.pbf", api.tile, name="tile"),
    path("api/extent", api.extent, name="api-extent"),
    path("api/search", api.search, name="api-search"),
    path("api/parcels/<int:parcel_id>", api.parcel, name="api-parcel"),
]
