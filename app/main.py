"""The FastAPI application: API v1 (and later the pages), wired to the database and store."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import api, openapi, problems, web
from app.body_limit import BodyLimit
from app.messages import register_messages
from app.pipeline_cache import LastPipeline
from app.settings import AppSettings
from app.state import AppState
from app.throttle.guard import LoginGuard
from app.throttle.hashing import HashingPool
from app.throttle.login import LoginLimiter, LoginLimits, make_storage
from banks.submission import BankEligibility
from dossier.db import make_engine, make_sessionmaker
from dossier.outbox import dispatch_after_commit
from dossier.services import submission
from storage.base import ObjectStore
from storage.factory import make_links, make_store
from storage.settings import StorageSettings
from workflows.dispatch import Dispatcher
from workflows.runtime import Runtime, set_runtime

DESCRIPTION = (
    "Dossier unique de financement: a start-up fills one funding dossier, once, "
    "and sends it to the banks and funds it chooses."
)


GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Collect less often than Python's default (700 allocations): a request allocates
    thousands of objects, and full collections walking the cached models and ORM state were
    the slowest 5 % of answers under load (p99 229-249 -> 160-171 ms, p95 -10 %)."""
    gc.set_threshold(*GC_THRESHOLDS)


def login_guard(settings: AppSettings, engine) -> LoginGuard:
    """The login limits on their shared storage, and the password-hashing pool."""
    limits = LoginLimits(per_account=settings.login_limit_per_account,
                         per_address=settings.login_limit_per_address)
    return LoginGuard(LoginLimiter(make_storage(settings.rate_limit_storage, engine), limits),
                      HashingPool(settings.password_hash_concurrency, settings.password_hash_wait))


def create_app(settings: AppSettings | None = None, *, store: ObjectStore | None = None,
               engine=None) -> FastAPI:
    """Build the app; tests pass their own settings, engine or store."""
    settings = settings or AppSettings()
    register_messages()
    engine = engine or make_engine(settings.database_url, **settings.pool())
    secret = settings.secret()
    storage = StorageSettings()
    store = store or make_store(storage, secret=secret)
    sessions = make_sessionmaker(engine)
    runtime = Runtime(sessions=sessions, store=store, secret=secret,
                      public_url=settings.public_url,
                      links=make_links(storage, secret=secret, public_url=settings.public_url),
                      retry=settings.retry_policy(), registry=settings.registry())
    dispatcher = Dispatcher(runtime, interval=settings.reconcile_interval,
                            reminder_interval=settings.reminder_interval,
                            retention_interval=settings.retention_interval,
                            gc_interval=settings.storage_gc_interval,
                            registry_interval=settings.registry_interval)
    dispatch_after_commit(sessions, dispatcher.submitted)  # the one post-commit hand-on
    submission.use_eligibility(BankEligibility())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        set_runtime(runtime)
        tune_gc()
        if settings.routing_in_background:
            dispatcher.start()
        yield
        dispatcher.stop()

    app = FastAPI(title="Dossier unique", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.dossier = AppState(settings=settings, engine=engine, sessions=sessions,
                                 store=store, secret=secret, links=runtime.links,
                                 runtime=runtime, dispatcher=dispatcher,
                                 pipeline=LastPipeline(sessions),
                                 logins=login_guard(settings, engine),
                                 registry=runtime.registry)
    problems.install(app)
    if settings.trusted_proxy_list():
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list())
    app.add_middleware(BodyLimit, settings=settings)  # inside web's security headers
    app.include_router(api.router)
    web.install(app)
    openapi.install(app)
    return app
