"""Dependencies that load a dossier or a route once, in the request's session, and ask the
policy table (dossier.access) whether the caller may do the action to it (the API's here;
the pages' in app/web/common/deps.py, with the same loader).

A handler declares its user and body before the object: FastAPI resolves dependencies in
order, so the caller is authenticated and the body bounded before any lookup (an endless
body on a route that does not exist is a 413, not a 404 once it is all read)."""

from __future__ import annotations

from inspect import Parameter, Signature
from typing import Annotated, Any

from fastapi import Depends

from app.deps import CurrentUser, SessionDep
from dossier import access
from dossier.access import Action
from dossier.models import Dossier, Partner, Route


def loader(load: Any, action: Action, param: str, user: Any) -> Any:
    """A dependency reading the path parameter `param` (declared, so OpenAPI names it)."""

    def gate(db: Any, user: Any, **ids: str) -> Any:
        return load(db, ids[param], user=user, action=action)

    gate.__signature__ = Signature([  # type: ignore[attr-defined]
        Parameter(param, Parameter.KEYWORD_ONLY, annotation=str),
        Parameter("db", Parameter.KEYWORD_ONLY, annotation=SessionDep),
        Parameter("user", Parameter.KEYWORD_ONLY, annotation=user)])
    return Depends(gate)


def dossier_loader(db: Any, object_id: str, *, user: Any, action: Action) -> Dossier:
    return access.load_dossier(db=db, dossier_id=object_id, user=user, action=action)


def route_loader(db: Any, object_id: str, *, user: Any, action: Action) -> Route:
    return access.load_route(db=db, route_id=object_id, user=user, action=action)


def partner_loader(db: Any, object_id: str, *, user: Any, action: Action) -> Partner:
    return access.load_partner(db=db, code=object_id, user=user, action=action)


def DossierFor(action: Action, user: Any = CurrentUser) -> Any:
    """The `{dossier_id}` dossier, if `user` (the API's bearer by default) may do `action`."""
    return Annotated[Dossier, loader(dossier_loader, action, "dossier_id", user)]


def RouteFor(action: Action, user: Any = CurrentUser, param: str = "route_id") -> Any:
    """The `{route_id}` (or `param`) route, if `user` may do `action` to it."""
    return Annotated[Route, loader(route_loader, action, param, user)]


def PartnerFor(action: Action, user: Any = CurrentUser) -> Any:
    """The `{code}` partner, if `user` may do `action` on it (staff, or its own reviewers)."""
    return Annotated[Partner, loader(partner_loader, action, "code", user)]


ReadableDossier = DossierFor(Action.read_dossier)
OwnedDossier = DossierFor(Action.edit_dossier)
ReadableRoute = RouteFor(Action.read_route)
