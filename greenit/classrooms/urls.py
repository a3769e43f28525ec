from django.urls import path

from . import views

app_name = "classrooms"
urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/photos/<int:photo>/",
        views.application_photo,
        name="application_photo",
    ),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_form, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_form, name="project_edit"),
    path("projects/<int:pk>/sponsors/", views.sponsor_add, name="sponsor_add"),
    path("projects/<int:pk>/status/", views.status_change, name="status"),
    path("projects/<int:pk>/allocate/", views.allocate_category, name="allocate_category"),
    path("projects/<int:pk>/scan/", views.allocate_tags, name="allocate_tags"),
    path(
        "projects/<int:pk>/allocations/<int:allocation>/unallocate/",
        views.unallocate,
        name="unallocate",
    ),
    path("projects/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("projects/<int:pk>/opening/", views.opening, name="opening"),
    path("projects/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("projects/<int:pk>/checks/", views.check_open, name="check_open"),
    path("projects/<int:pk>/override/", views.override, name="override"),
    path("checks/", views.checks, name="checks"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
]
