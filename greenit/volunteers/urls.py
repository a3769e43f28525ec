from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.opportunity, name="opportunity"),
    path("shifts/<int:pk>/signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("me/", views.me, name="me"),
    path("me/signups/<int:pk>/cancel/", views.me_cancel, name="me_cancel"),
    path("me/certificate.pdf", views.me_certificate, name="me_certificate"),
    path("v/<str:token>/", views.private, name="private"),
    path("v/<str:token>/signups/<int:pk>/cancel/", views.private_cancel, name="private_cancel"),
    path("v/<str:token>/certificate.pdf", views.private_certificate, name="private_certificate"),
    path("company/", views.company, name="company"),
    path("company/hours.csv", views.company_csv, name="company_csv"),
    path("shifts/<int:pk>/team/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("t/<str:token>/", views.team_join, name="team_join"),
    path("manage/waivers/", views.waivers, name="waivers"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.opportunity_form, name="opportunity_new"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/edit/", views.opportunity_form, name="opportunity_edit"),
    path("shifts/<int:pk>/roster/", views.roster, name="roster"),
    path("shifts/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("signups/<int:pk>/adjust/", views.adjust, name="adjust"),
    path("signups/<int:pk>/cancel/", views.staff_cancel, name="staff_cancel"),
    path("reports/", views.reports, name="reports"),
    path("reports/hours.csv", views.reports_csv, name="reports_csv"),
]
