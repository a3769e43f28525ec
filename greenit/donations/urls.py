from django.urls import path

from . import views

app_name = "donations"
urlpatterns = [
    path("", views.donation_list, name="list"),
    path("new/", views.donation_create, name="create"),
    path("<int:pk>/", views.donation_detail, name="detail"),
    path("photos/<int:pk>/", views.donation_photo, name="photo"),
    path("offers/", views.offer_queue, name="offers"),
    path("<int:pk>/accept/", views.donation_accept, name="accept"),
    path("<int:pk>/decline/", views.donation_decline, name="decline"),
    path("<int:pk>/pickup/", views.pickup_schedule, name="pickup_schedule"),
    path("pickups/", views.pickup_list, name="pickups"),
    path("pickups/day-sheet/", views.day_sheet, name="day_sheet"),
    path("pickups/<int:pk>/", views.pickup_detail, name="pickup"),
    path("pickups/<int:pk>/collect/", views.pickup_collect, name="pickup_collect"),
    path("pickups/<int:pk>/cancel/", views.pickup_cancel, name="pickup_cancel"),
    path("<int:pk>/receipts/", views.receipt_draft, name="receipt_draft"),
    path("receipts/", views.receipt_list, name="receipts"),
    path("receipts/<int:pk>/", views.receipt_detail, name="receipt"),
    path("receipts/<int:pk>/issue/", views.receipt_issue, name="receipt_issue"),
    path("receipts/<int:pk>/withdraw/", views.receipt_withdraw, name="receipt_withdraw"),
    path("receipts/<int:pk>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path(
        "receipts/<int:year>/<int:organisation>/pdf/",
        views.receipt_year_pdf,
        name="receipt_year_pdf",
    ),
]
