from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.impact_dashboard, name="dashboard"),
    path("methodology/", views.methodology, name="methodology"),
    path("factors/", views.factor_edit, name="factors"),
    path("refresh/", views.refresh, name="refresh"),
    path("disclosure/", views.disclosure_page, name="disclosure"),
    path("mass-balance/", views.mass_balance_page, name="mass_balance"),
    path("donor-devices/", views.donor_devices, name="donor_devices"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/progress/", views.report_progress, name="progress"),
    path("reports/<int:pk>/<str:fmt>/", views.report_file, name="file"),
]
