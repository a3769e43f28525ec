"""The JSON API: /api/, OpenAPI at /api/openapi.json, docs at /api/docs.

Machines send `Authorization: Bearer <token>` (tokens from /accounts/tokens/, each with a
scope: read, write or wipe_station); people's browsers use their session (with the CSRF token
on writes). Either way the caller has exactly the organisation scope and roles of its user, as
on the pages, and a token no more than its scope allows (greenit/api_auth.py)."""

from ninja import NinjaAPI

from greenit import api_refusals as refusals
from greenit.api_auth import SessionAuth, TokenAuth
from greenit.assets.api import router as assets_router
from greenit.classrooms.api import router as classrooms_router
from greenit.collection.api import router as boxes_router
from greenit.donations.api import router as donations_router
from greenit.evidence.api import router as evidence_router
from greenit.impact.api import router as impact_router
from greenit.imports.api import router as imports_router
from greenit.privacy.api import router as privacy_router
from greenit.recycling.api import router as recycling_router
from greenit.refurbishment.api import router as refurbishment_router
from greenit.sanitization.api import router as sanitization_router
from greenit.support.api import router as support_router
from greenit.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="greenit API",
    version="1",
    description=__doc__,
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("/donations", donations_router)
api.add_router("/assets", assets_router)
api.add_router("/boxes", boxes_router)
api.add_router("/imports", imports_router)
api.add_router("/recycling", recycling_router)
api.add_router("/sanitization", sanitization_router)
api.add_router("/evidence", evidence_router)
api.add_router("/classrooms", classrooms_router)
api.add_router("/support", support_router)
api.add_router("/refurbishment", refurbishment_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/impact", impact_router)
api.add_router("/privacy", privacy_router)
refusals.answer_refusals(api)
refusals.document_refusals(api)
