from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("intake/", views.intake, name="intake"),
    path("bulk/", views.asset_bulk, name="bulk"),
    path("labels/<int:donation_pk>/", views.labels, name="labels"),
    path("label-sheets/<int:pk>/", views.label_sheet, name="label_sheet"),
    path("label-sheets/<int:pk>/pdf/", views.label_sheet_pdf, name="label_sheet_pdf"),
    path("<str:tag>/", views.asset_detail, name="detail"),
    path("<str:tag>/edit/", views.asset_edit, name="edit"),
    path("<str:tag>/transition/", views.asset_transition, name="transition"),
]
