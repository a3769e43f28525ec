from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("ask/", views.ask, name="ask"),
    path("ask/thanks/", views.ask_thanks, name="ask_thanks"),
    path("consent/<str:token>/", views.consent, name="consent"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("person/", views.person, name="person"),
    path("person/export.json", views.export_json, name="export_json"),
    path("person/export.pdf", views.export_pdf, name="export_pdf"),
    path("person/erase/", views.erase, name="erase"),
    path("consents/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("retention/", views.retention, name="retention"),
]
