"""Dependencies that load a dossier or a route once, in the request's session, and ask the
policy table (dossier.access) whether the caller may do the action to it."""

from __future__ import annotations

from inspect import Parameter, Signature
from typing import Annotated, Any

from fastapi import Depends

from app.deps import CurrentUser, SessionDep
from app.web.common.deps import FounderPage, ReviewerPage
from dossier import access
from dossier.access import Action
from dossier.models import Dossier, Route


def _loader(load: Any, action: Action, param: str, user: Any) -> Any:
    """A dependency reading the path parameter `param` (declared, so OpenAPI names it)."""

    def gate(db: Any, user: Any, **ids: str) -> Any:
        return load(db, ids[param], user=user, action=action)

    gate.__signature__ = Signature([  # type: ignore[attr-defined]
        Parameter(param, Parameter.KEYWORD_ONLY, annotation=str),
        Parameter("db", Parameter.KEYWORD_ONLY, annotation=SessionDep),
        Parameter("user", Parameter.KEYWORD_ONLY, annotation=user)])
    return Depends(gate)


def _dossier(db: Any, object_id: str, *, user: Any, action: Action) -> Dossier:
    return access.load_dossier(db=db, dossier_id=object_id, user=user, action=action)


def _route(db: Any, object_id: str, *, user: Any, action: Action) -> Route:
    return access.load_route(db=db, route_id=object_id, user=user, action=action)


def DossierFor(action: Action) -> Any:
    """API: the `{dossier_id}` dossier, if the bearer may do `action` to it."""
    return Annotated[Dossier, _loader(_dossier, action, "dossier_id", CurrentUser)]


def RouteFor(action: Action) -> Any:
    """API: the `{route_id}` route, if the bearer may do `action` to it."""
    return Annotated[Route, _loader(_route, action, "route_id", CurrentUser)]


def FounderDossier(action: Action = Action.edit_dossier) -> Any:
    """Founder pages: the `{dossier_id}` dossier, if the founder may do `action` to it."""
    return Annotated[Dossier, _loader(_dossier, action, "dossier_id", FounderPage)]


def FounderRoute(action: Action) -> Any:
    """Founder pages: the `{route_id}` route of one of their dossiers."""
    return Annotated[Route, _loader(_route, action, "route_id", FounderPage)]


def ReviewerRoute(action: Action) -> Any:
    """Reviewer pages: the `{rid}` route, if the reviewer may do `action` to it."""
    return Annotated[Route, _loader(_route, action, "rid", ReviewerPage)]


ReadableDossier = DossierFor(Action.read_dossier)
OwnedDossier = DossierFor(Action.edit_dossier)
ReadableRoute = RouteFor(Action.read_route)
OwnDossierPage = FounderDossier(Action.edit_dossier)
ReadDossierPage = FounderDossier(Action.read_dossier)
