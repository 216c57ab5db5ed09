from django.urls import path

from lis.exchange import export_views, views

app_name = "exchange"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("jobs/<int:job_id>", views.job, name="job"),
    path("jobs/<int:job_id>/status", views.job_status, name="job_status"),
    path("export/", export_views.export, name="export"),
]
