"""The storage sweep: delete the objects no row has referenced for STORAGE_GC_GRACE."""

from __future__ import annotations

from datetime import timedelta

from dossier.db import utcnow
from dossier.services import objects
from storage.settings import StorageSettings
from workflows.runtime import Runtime

SPOOL_STALE = timedelta(hours=1)  # a live spool file lasts as long as one upload


def configured_grace() -> timedelta:
    """STORAGE_GC_GRACE, in seconds (default a day)."""
    return timedelta(seconds=StorageSettings().storage_gc_grace)


def sweep_once(runtime: Runtime, *, grace: timedelta | None = None,
               dry_run: bool = False) -> objects.Sweep:
    """One sweep of the store (the dispatcher's and `dossier storage gc`), with its spool."""
    grace = configured_grace() if grace is None else grace
    report = objects.sweep(sessions=runtime.sessions, store=runtime.store, grace=grace,
                           dry_run=dry_run)
    remove_spools = getattr(runtime.store, "remove_stale_spools", None)
    if remove_spools is not None and not dry_run:
        remove_spools(utcnow() - max(grace, SPOOL_STALE))
    return report


def check_once(runtime: Runtime, *, grace: timedelta = timedelta(0)) -> objects.Check:
    """Objects no row references (released ones within `grace` aside), rows without object."""
    return objects.check(sessions=runtime.sessions, store=runtime.store, grace=grace)
