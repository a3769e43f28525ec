from django.urls import path

from . import views

app_name = "enquiries"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
]

# Public pages, mounted at /contact/.
public_urlpatterns = (
    [
        path("", views.contact, name="contact"),
        path("thanks/", views.thanks, name="thanks"),
    ],
    "contact",
)
