from django.urls import path

from . import views

# The namespace the home pages had when they lived in core: every template, the settings'
# login redirects and the tests name them core:home and core:healthz.
app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
