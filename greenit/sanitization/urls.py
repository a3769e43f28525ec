from django.urls import path

from . import views

app_name = "sanitization"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("public-key.pem", views.public_key, name="public_key"),
    path("assets/<str:tag>/", views.asset_media, name="asset"),
    path("assets/<str:tag>/media/", views.medium_add, name="medium_add"),
    path("assets/<str:tag>/records/", views.record_add, name="record_add"),
    path("donations/<int:pk>/", views.donation_certificate, name="donation"),
    path("donations/<int:pk>/issue/", views.certificate_issue, name="issue"),
    path("donations/<int:pk>/policy/", views.donation_policy, name="policy"),
    path("donations/<int:pk>/sample/", views.sample_draw, name="sample_draw"),
    path("samples/<int:pk>/verify/", views.sample_verify, name="sample_verify"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<str:number>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<str:number>/revoke/", views.certificate_revoke, name="revoke"),
    path("verify/", views.verify_upload, name="verify_upload"),
    path("verify/<str:number>/<str:code>/", views.verify, name="verify"),
    path("verify/<str:number>/<str:code>/status.json", views.certificate_status, name="status"),
    path("ca.pem", views.certificate_authority, name="ca"),
]
