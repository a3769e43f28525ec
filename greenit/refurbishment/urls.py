from django.urls import path

from . import views

app_name = "refurbishment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("kits/", views.kit_list, name="kits"),
    path("kits/new/", views.kit_edit, name="kit_add"),
    path("kits/<int:pk>/", views.kit_edit, name="kit_edit"),
    path("assets/<str:tag>/", views.asset_test, name="asset"),
    path("assets/<str:tag>/ready/", views.mark_ready, name="ready"),
]
