from django.urls import path

from . import views

app_name = "collection"
urlpatterns = [
    path("", views.box_list, name="list"),
    path("new/", views.box_new, name="new"),
    path("<slug:code>/", views.public_box, name="public"),
    path("<slug:code>/manage/", views.box_detail, name="detail"),
    path("<slug:code>/edit/", views.box_edit, name="edit"),
    path("<slug:code>/schedule/", views.box_schedule, name="schedule"),
    path("<slug:code>/empty/", views.box_empty, name="empty"),
    path("<slug:code>/sticker.pdf", views.box_sticker, name="sticker"),
]
