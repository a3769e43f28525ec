from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/run/", views.import_run, name="run"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("export/devices.csv", views.export_csv, name="export_csv"),
    path("export/devices.xlsx", views.export_xlsx, name="export_xlsx"),
    path("donations/<int:donation_pk>/reconcile/", views.reconcile, name="reconcile"),
]
