from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.ticket_new, name="new"),
    path("<int:pk>/", views.ticket_detail, name="ticket"),
    path("<int:pk>/resolve/", views.ticket_resolve, name="resolve"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("checks/<str:token>/", views.check, name="check"),
]
