from django.contrib import admin
from django.urls import include, path

from greenit.api import api
from greenit.enquiries import urls as enquiry_urls

urlpatterns = [
    path("", include("greenit.home.urls")),
    path("accounts/", include("greenit.accounts.urls")),
    path("donations/", include("greenit.donations.urls")),
    path("assets/", include("greenit.assets.urls")),
    path("donate/", include("greenit.donations.public_urls")),
    path("boxes/", include("greenit.collection.urls")),
    path("imports/", include("greenit.imports.urls")),
    path("recycling/", include("greenit.recycling.urls")),
    path("sanitization/", include("greenit.sanitization.urls")),
    path("evidence/", include("greenit.evidence.urls")),
    path("refurbishment/", include("greenit.refurbishment.urls")),
    path("classrooms/", include("greenit.classrooms.urls")),
    path("support/", include("greenit.support.urls")),
    path("enquiries/", include("greenit.enquiries.urls")),
    path("contact/", include(enquiry_urls.public_urlpatterns)),
    path("volunteers/", include("greenit.volunteers.urls")),
    path("impact/", include("greenit.impact.urls")),
    path("privacy/", include("greenit.privacy.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
