"""HTTP API v1."""

from fastapi import APIRouter

from app.api import attachments, auth, blobs, dossiers, meta, notifications, pipeline, routing

router = APIRouter(prefix="/api/v1")
for module in (auth, meta, dossiers, attachments, blobs, routing, pipeline, notifications):
    router.include_router(module.router)
