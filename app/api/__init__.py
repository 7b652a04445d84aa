"""HTTP API v1."""

from fastapi import APIRouter

from app.api import (
    access,
    attachments,
    auth,
    blobs,
    dossiers,
    meta,
    notifications,
    pipeline,
    privacy,
    routing,
)
from app.openapi import problems

# Any call may be unauthenticated, malformed, or meet a backing service that is down.
router = APIRouter(prefix="/api/v1", responses=problems(400, 401, 422, 503))
for module in (auth, meta, dossiers, access, attachments, blobs, routing, pipeline,
               notifications, privacy):
    router.include_router(module.router)
