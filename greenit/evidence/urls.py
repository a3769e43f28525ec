from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.waiting, name="waiting"),
    path("upload/", views.upload, name="upload"),
    path("merge/", views.merge, name="merge"),
    path("snapshots/<int:pk>/", views.snapshot, name="snapshot"),
    path("snapshots/<int:pk>/device/", views.snapshot_device, name="snapshot_device"),
    path("differences/<int:pk>/", views.decide, name="decide"),
    path("unmatched/<int:pk>/", views.assign, name="assign"),
]
