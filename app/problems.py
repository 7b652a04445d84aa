"""RFC 9457 problem+json answers for every error, in French or English."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from app.web.common.templating import render
from dossier.catalogue import _
from dossier.errors import Conflict, DomainError, FieldError, TooLarge, Unavailable
from dossier.i18n import pick_lang, translate
from storage import errors as storage_errors

log = logging.getLogger(__name__)

PROBLEM_TYPE = "https://dossier-unique.fr/problems/"
TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Content", 429: "Too Many Requests",
    500: "Internal Server Error", 503: "Service Unavailable",
}


def wants_html(request: Request) -> bool:
    """Pages get an HTML error page; the API and files get problem+json."""
    path = request.url.path
    return not path.startswith(("/api/", "/openapi", "/docs", "/redoc", "/static/"))


def problem(request: Request, status: int, code: str, detail: str,
            errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """Build a problem+json response (an HTML page for page paths)."""
    if wants_html(request):
        lang = lang_of(request)
        title = (_("Page not found", lang) if status == 404 else _("Something went wrong", lang))
        lines = [detail] + [f"{e['loc']} : {e['msg']}" for e in errors or []]
        return render(request, "error.html", status_code=status, headers=headers, title=title,
                      message=" ".join(lines))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code, "title": TITLES.get(status, "Error"), "status": status,
        "detail": detail, "code": code, "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers,
                        media_type="application/problem+json")


def lang_of(request: Request) -> str:
    """The answer's language from Accept-Language."""
    return pick_lang(request.headers.get("accept-language"))


def field_errors(errors: list[FieldError], lang: str) -> list[dict[str, Any]]:
    """Errors as the API shows them."""
    return [{"loc": e.loc, "code": e.code, "msg": e.message(lang)} for e in errors]


def summary(exc: DomainError, lang: str) -> str:
    """One sentence for `detail`; names the fields when there are errors."""
    text = exc.message(lang)
    if text == exc.code and exc.errors:
        first = exc.errors[0]
        text = f"{first.loc}: {first.message(lang)}"
        if len(exc.errors) > 1:
            text += translate("and_more", {"count": len(exc.errors) - 1}, lang)
    return text


def _loc(parts: tuple[Any, ...]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


STORAGE_MAP: dict[type[Exception], type[DomainError]] = {
    storage_errors.ObjectTooLarge: TooLarge,
    storage_errors.StorageUnavailable: Unavailable,
}

# Database errors the caller may retry: what the log says, and the answer.
DATABASE_ERRORS: tuple[tuple[type[Exception], str, DomainError], ...] = (
    # DB-API "operational" errors: server down or restarting, connection lost, lock timeout.
    (OperationalError, "database unavailable", Unavailable("database_unavailable")),
    # Every pooled connection stayed busy for DB_POOL_TIMEOUT: say so fast, never queue on.
    (PoolTimeout, "database pool exhausted", Unavailable("database_busy")),
    # A row this request loaded was deleted or rewritten by a concurrent transaction that
    # no lock serialised: the caller may retry and will see the new state.
    (StaleDataError, "row changed", Conflict("concurrent_update")),
    (ObjectDeletedError, "row changed", Conflict("concurrent_update")),
    # A unique constraint lost a race the services did not serialise: the caller may retry.
    (IntegrityError, "integrity error", Conflict("concurrent_update")),
)

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method the app answers at the request's path (under a mount, static files: GET
    and HEAD)."""

    def answers(route: Any, method: str) -> bool:
        return ((method in ("GET", "HEAD") or not isinstance(route, Mount))
                and route.matches({**request.scope, "method": method})[0] == Match.FULL)

    return [m for m in METHODS if any(answers(r, m) for r in request.app.router.routes)]


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        lang = lang_of(request)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        return problem(request, exc.status, exc.code, summary(exc, lang),
                       field_errors(exc.errors, lang), headers)

    @app.exception_handler(storage_errors.StorageError)
    async def storage_error(request: Request, exc: Exception) -> Response:
        mapped = STORAGE_MAP.get(type(exc), Unavailable)
        if mapped is Unavailable:
            log.warning("object store unavailable: %s", exc)
        ctx = {"limit": getattr(exc, "limit", "")}
        return await domain_error(request, mapped(mapped.code, ctx))

    async def database_error(request: Request, exc: Exception) -> Response:
        what, answer = next((w, a) for kind, w, a in DATABASE_ERRORS if isinstance(exc, kind))
        log.warning("%s on %s: %s", what, request.url.path, getattr(exc, "orig", None) or exc)
        return await domain_error(request, answer)

    for kind, _what, _answer in DATABASE_ERRORS:
        app.add_exception_handler(kind, database_error)

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        lang = lang_of(request)
        errors = []
        for err in exc.errors():
            loc = err.get("loc", ())
            if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
                loc = loc[1:]
            ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
            code = err.get("type", "invalid")
            errors.append(FieldError(_loc(tuple(loc)) or "body", code, ctx, err.get("msg")))
        exc2 = DomainError("invalid", errors=errors)
        return problem(request, 422, "invalid", summary(exc2, lang), field_errors(errors, lang))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers, ctx = dict(exc.headers or {}), {}
        if exc.status_code == 405:
            # Starlette names the methods of the first route matching the path only.
            allowed = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
            headers["Allow"] = ctx["allowed"] = allowed
            ctx["method"] = request.method
        detail = translate(code, ctx, lang_of(request), fallback=str(exc.detail))
        return problem(request, exc.status_code, code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem(request, 500, "internal_error", translate("internal_error", {},
                                                                  lang_of(request)))


