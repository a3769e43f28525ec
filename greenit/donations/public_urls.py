from django.urls import path

from . import views

app_name = "donate"
urlpatterns = [
    path("", views.offer_public, name="offer"),
    path("thanks/", views.offer_thanks, name="thanks"),
]
