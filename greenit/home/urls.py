from django.conf import settings
from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
if settings.DEBUG:
    urlpatterns.append(path("outbox/", views.outbox, name="outbox"))
