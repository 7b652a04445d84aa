"""HTTP API v1."""

from fastapi import APIRouter
from fastapi.routing import APIRoute

from app.api import (
    access,
    attachments,
    auth,
    blobs,
    committees,
    decisions,
    dossiers,
    financials,
    meta,
    notifications,
    opinions,
    pipeline,
    privacy,
    registry,
    routing,
)
from app.openapi import problems


def operation_id(route: APIRoute) -> str:
    """`tag_function` (`routing_post_event`): the names a generated client gives its calls."""
    return "_".join([*route.tags[:1], route.name.rstrip("_")])


# Any call may be unauthenticated, malformed, or meet a backing service that is down.
router = APIRouter(prefix="/api/v1", responses=problems(400, 401, 422, 503),
                   generate_unique_id_function=operation_id)
for module in (auth, meta, dossiers, financials, access, attachments, blobs, routing, decisions,
               committees, opinions, pipeline, notifications, privacy, registry):
    router.include_router(module.router)
