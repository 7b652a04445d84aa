"""The `dossier` command: serve, migrate, manage users, seed the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app import catalogue
from app.demo import seed_catalogue, seed_demo, seed_samples
from app.http_limits import BoundedHttpToolsProtocol
from app.migrate import upgrade
from app.settings import AppSettings
from banks.catalogue import DEFAULT_CATALOGUE
from dossier.audit import verify
from dossier.db import make_engine, make_sessionmaker, transaction
from dossier.errors import DomainError
from dossier.services import tallies, users
from dossier.services.ids import parse_id
from dossier.services.partners import list_partners, partner_view
from storage.factory import make_store
from storage.settings import StorageSettings
from workflows.deployments import DeploymentSettings, worker_command
from workflows.deployments import deploy as register
from workflows.leader import GROUP_ENV
from workflows.local_prefect import launch_local_server
from workflows.runtime import get_runtime
from workflows.storage_gc import check_once, sweep_once

ROOT = Path(__file__).resolve().parents[1]
cli = typer.Typer(help="Dossier unique de financement.", no_args_is_help=True)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_cli = typer.Typer(help="Accounts.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
partners_cli = typer.Typer(help="The partner catalogue.", no_args_is_help=True)
cli.add_typer(users_cli, name="users")
cli.add_typer(partners_cli, name="partners")
audit_cli = typer.Typer(help="The tamper-evident audit chain.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")
retention_cli = typer.Typer(help="Retention of drafts and closed dossiers.",
                            no_args_is_help=True)
cli.add_typer(retention_cli, name="retention")
storage_cli = typer.Typer(help="The object store: check it against the rows, sweep it.",
                          no_args_is_help=True)
cli.add_typer(storage_cli, name="storage")
i18n_cli = typer.Typer(help="The text catalogue (dossier/locale).", no_args_is_help=True)
cli.add_typer(i18n_cli, name="i18n")
console = Console()


def _sessions():
    return make_sessionmaker(make_engine(AppSettings().database_url))


@cli.command()
def serve(host: Annotated[str | None, typer.Option(help="Bind address")] = None,
          port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000)")] = None,
          workers: Annotated[int, typer.Option(
              min=1, help="Serving processes (see docs/production.md, Sizing)")] = 1) -> None:
    """Serve the web app and the API (routing flows run locally unless PREFECT_API_URL is set).

    Embedded default: serve launches one local Prefect server for all its processes (they
    answer at once, while it starts), and one of the processes routes (workflows/leader.py).
    """
    import os
    import secrets
    import signal
    import sys

    import uvicorn

    home = Path(os.environ.setdefault("PREFECT_HOME", str(Path("var/prefect").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # dossiers stay here

    # uvicorn re-raises SIGTERM once it has shut down gracefully: leave through SystemExit
    # so that exit handlers run (the local Prefect server is stopped and waited for).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    settings = AppSettings()
    if settings.routing_in_background:
        launch_local_server()  # here, in the main thread: it ends with this process
    os.environ[GROUP_ENV] = secrets.token_hex(12)  # this serve's processes elect one router
    uvicorn.run("app.serving:create_served_app", factory=True, host=host or settings.host,
                port=port or settings.port, workers=workers, http=BoundedHttpToolsProtocol,
                proxy_headers=False)  # the app trusts only TRUSTED_PROXIES (app/main.py)


def _prefect_api_url() -> str:
    """PREFECT_API_URL, or exit: deployments and workers live on a Prefect server."""
    import os

    url = os.environ.get("PREFECT_API_URL", "")
    if not url:
        console.print("[red]PREFECT_API_URL is not set:[/red] point it at the Prefect "
                      "server's API, e.g. http://prefect.internal:4200/api "
                      "(see docs/production.md).")
        raise typer.Exit(2)
    return url


@cli.command()
def deploy(pool: Annotated[str | None, typer.Option(
        help="Process work pool (default: ROUTING_WORK_POOL, else dossier)")] = None) -> None:
    """Register the routing and reminder flows as deployments on a Prefect work pool."""
    url = _prefect_api_url()
    pool = pool or DeploymentSettings().routing_work_pool
    for name in register(pool):
        console.print(f"[green]Deployed[/green] {name} on work pool {pool} ({url})")


@cli.command()
def worker(pool: Annotated[str | None, typer.Option(
               help="Work pool (default: ROUTING_WORK_POOL, else dossier)")] = None,
           name: Annotated[str | None, typer.Option(help="Worker name")] = None,
           limit: Annotated[int, typer.Option(min=1, help="Flow runs at once")] = 1,
           poll: Annotated[float, typer.Option(
               min=0.5, help="Seconds between polls of the pool")] = 2.0) -> None:
    """Start a Prefect worker that runs the pool's flow runs (`prefect worker start`)."""
    import os

    _prefect_api_url()
    os.environ["PREFECT_WORKER_QUERY_SECONDS"] = str(poll)
    command = worker_command(pool or DeploymentSettings().routing_work_pool, name=name,
                             limit=limit)
    os.execv(command[0], command)  # noqa: S606  (the worker takes this process over)


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations (Alembic) to DATABASE_URL."""
    upgrade(AppSettings().database_url, revision)
    console.print(f"[green]Database at {revision}.[/green]")


@db_cli.command("recount")
def db_recount() -> None:
    """Rebuild the per-partner route tallies (inbox totals) from the routes."""
    with transaction(_sessions()) as db:
        rows = tallies.recount(db=db)
    console.print(f"[green]Route tallies rebuilt: {rows} partner/state counts.[/green]")


@users_cli.command("add")
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="founder, reviewer or staff")] = "founder",
    partner: Annotated[str | None, typer.Option(help="Partner code (reviewers)")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)] = "",
) -> None:
    """Create an account."""
    try:
        with transaction(_sessions()) as db:
            users.create_user(db=db, email=email, password=password, role=role,
                              partner_code=partner)
    except DomainError as exc:
        details = "; ".join(f"{e.loc}: {e.message('en')}" for e in exc.errors)
        console.print(f"[red]{exc.message('en')}[/red] {details}")
        raise typer.Exit(1) from exc
    console.print(f"[green]Created {email} ({role}).[/green]")


@partners_cli.command("load")
def partners_load(path: Annotated[Path | None, typer.Argument(
        help="Catalogue JSON file (default: banks/catalogue.json)")] = None) -> None:
    """Validate a catalogue file and load it into the database (no code change needed)."""
    from pydantic import ValidationError

    try:
        with transaction(_sessions()) as db:
            count = seed_catalogue(db=db, path=path or DEFAULT_CATALOGUE)
    except ValidationError as exc:
        console.print(f"[red]Catalogue refused:[/red]\n{exc}")
        raise typer.Exit(1) from exc
    console.print(f"[green]{count} partners loaded.[/green]")


@partners_cli.command("show")
def partners_show() -> None:
    """List the partners in the database."""
    table = Table(title="Partners")
    for column in ("code", "name", "kind", "instruments", "SLA (days)", "delivery"):
        table.add_column(column)
    with _sessions()() as db:
        for partner in list_partners(db=db):
            view = partner_view(partner)
            channel = (partner.config.get("delivery") or {}).get("channel", "portal")
            table.add_row(view["code"], view["name"], view["kind"],
                          ", ".join(view["instruments"]), str(view["sla_days"]), channel)
    console.print(table)


@audit_cli.command("verify")
def audit_verify(dossier: Annotated[str | None, typer.Option(
        help="Only this dossier's chain (id)")] = None) -> None:
    """Walk the audit chains; exit 1 at the first broken link."""
    try:
        only = parse_id(dossier, "dossier_not_found") if dossier else None
    except DomainError as exc:
        console.print(f"[red]Not a dossier id:[/red] {dossier}")
        raise typer.Exit(2) from exc
    with _sessions()() as db:
        report = verify(db, dossier_id=only)
    if report.broken is not None:
        typer.echo(report.broken.describe())
        raise typer.Exit(1)
    typer.echo(f"chain intact: {report.records} records ({report.chains} chains)")


@retention_cli.command("run")
def retention_run(dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only list what would be warned and purged")] = False) -> None:
    """Warn about untouched drafts, purge what is due, delete the stored objects left."""
    from workflows.retention import run_once

    report = run_once(get_runtime(), dry_run=dry_run)
    table = Table(title="Retention (dry run: nothing changed)" if dry_run else "Retention")
    for column in ("dossier", "action"):
        table.add_column(column)
    for dossier_id in report.warned:
        table.add_row(str(dossier_id), "warn (draft untouched)")
    for dossier_id, reason in report.purged:
        table.add_row(str(dossier_id), f"purge ({reason.value})")
    console.print(table)
    counts = ", ".join(f"{name}: {count}" for name, count in report.counts().items())
    console.print(f"[green]{counts}[/green]")


@storage_cli.command("check")
def storage_check(grace: Annotated[float, typer.Option(
        min=0, help="Seconds a released object may wait for the sweep (default 0: none)")] = 0
                  ) -> None:
    """List objects no row references and rows whose object is missing; exit 1 if any."""
    from datetime import timedelta

    report = check_once(get_runtime(), grace=timedelta(seconds=grace))
    for key in report.orphans:  # soft wrap: a key stays on one line, for grep and copy
        console.print(f"[red]orphan[/red] (no row references it) {key}", soft_wrap=True)
    for kind, row_id, key in report.missing:
        console.print(f"[red]missing[/red] object of {kind} {row_id}: {key}", soft_wrap=True)
    console.print(f"{len(report.orphans)} orphan(s), {len(report.missing)} missing, "
                  f"{report.released} released object(s) waiting for the sweep")
    if not report.ok:
        raise typer.Exit(1)


@storage_cli.command("gc")
def storage_gc(
    grace: Annotated[float | None, typer.Option(
        min=0, help="Seconds unreferenced before deletion (default STORAGE_GC_GRACE)")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only list what would be deleted")] = False,
) -> None:
    """Delete the objects no row has referenced for longer than the grace period."""
    from datetime import timedelta

    report = sweep_once(get_runtime(), dry_run=dry_run,
                        grace=None if grace is None else timedelta(seconds=grace))
    verb = "would delete" if dry_run else "deleted"
    for key in report.keys:
        console.print(f"{verb} {key}", soft_wrap=True)
    console.print(f"[green]{len(report.keys)} object(s) {verb}[/green] "
                  f"(unreferenced since before {report.due_before:%Y-%m-%d %H:%M:%S} UTC).")


@cli.command()
def demo() -> None:
    """Seed the partner catalogue, the demo accounts (password from DEMO_PASSWORD) and sample
    dossiers at every stage (DEMO_SAMPLES=0: none); running it again adds nothing."""
    settings = AppSettings()
    sessions = _sessions()
    with transaction(sessions) as db:
        accounts = seed_demo(db=db, password=settings.demo_password)
    table = Table(title=f"Demo accounts (password: {settings.demo_password})")
    for column in ("e-mail", "role", "partner"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account.email, account.role, account.partner or "")
    console.print(table)
    if not settings.demo_samples:
        console.print("No sample dossiers (DEMO_SAMPLES=0).")
        return
    added = seed_samples(sessions=sessions,
                         store=make_store(StorageSettings(), secret=settings.secret()))
    console.print(f"[green]{len(added)} sample dossier(s) added[/green] "
                  f"(owned by founder@demo.example){': ' if added else '.'}{', '.join(added)}")


@i18n_cli.command("update")
def i18n_update() -> None:
    """Extract the msgids again and merge them into the .po files; list what to translate."""
    missing = catalogue.update()
    for msgid in missing:
        console.print(f"no French yet: {msgid!r}")
    if missing:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the `dossier` script."""
    cli()
