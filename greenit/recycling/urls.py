from django.urls import path

from . import views

app_name = "recycling"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("recyclers/", views.recyclers, name="recyclers"),
    path("downstream/", views.downstream_report, name="downstream"),
    path("downstream/flow.csv", views.downstream_csv, name="downstream_csv"),
    path("licences/<int:pk>/document/", views.licence_document, name="licence_document"),
    path("<str:number>/documents/<str:which>/", views.batch_document, name="document"),
    path("<str:number>/", views.batch_detail, name="detail"),
    path("<str:number>/devices/", views.batch_add, name="add"),
    path("<str:number>/devices/<str:tag>/remove/", views.batch_remove, name="remove"),
    path("<str:number>/loose/", views.batch_loose, name="loose"),
    path("<str:number>/ship/", views.batch_ship, name="ship"),
    path("<str:number>/close/", views.batch_close, name="close"),
]
