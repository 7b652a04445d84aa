"""The `dossier` command: serve, migrate, manage users, seed the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.settings import AppSettings

ROOT = Path(__file__).resolve().parents[1]
cli = typer.Typer(help="Dossier unique de financement.", no_args_is_help=True)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
users_cli = typer.Typer(help="Accounts.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(users_cli, name="users")
console = Console()


def _sessions():
    from dossier.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(AppSettings().database_url))


@cli.command()
def serve(host: Annotated[str | None, typer.Option(help="Bind address")] = None,
          port: Annotated[int | None, typer.Option(help="Port (default: PORT or 8000)")] = None,
          workers: int = 1) -> None:
    """Serve the web app and the API."""
    import uvicorn

    settings = AppSettings()
    uvicorn.run("app.main:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, workers=workers, proxy_headers=True)


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations (Alembic) to DATABASE_URL."""
    from app.migrate import upgrade

    upgrade(AppSettings().database_url, revision)
    console.print(f"[green]Database at {revision}.[/green]")


@users_cli.command("add")
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="founder, reviewer or staff")] = "founder",
    partner: Annotated[str | None, typer.Option(help="Partner code (reviewers)")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)] = "",
) -> None:
    """Create an account."""
    from dossier.db import transaction
    from dossier.errors import DomainError
    from dossier.services import users

    try:
        with transaction(_sessions()) as db:
            users.create_user(db=db, email=email, password=password, role=role,
                              partner_code=partner)
    except DomainError as exc:
        details = "; ".join(f"{e.loc}: {e.message('en')}" for e in exc.errors)
        console.print(f"[red]{exc.message('en')}[/red] {details}")
        raise typer.Exit(1) from exc
    console.print(f"[green]Created {email} ({role}).[/green]")


@cli.command()
def demo() -> None:
    """Seed the partner catalogue and the demo accounts (password from DEMO_PASSWORD)."""
    from app.demo import seed_demo
    from dossier.db import transaction

    settings = AppSettings()
    with transaction(_sessions()) as db:
        accounts = seed_demo(db=db, password=settings.demo_password)
    table = Table(title=f"Demo accounts (password: {settings.demo_password})")
    for column in ("e-mail", "role", "partner"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account.email, account.role, account.partner or "")
    console.print(table)


def main() -> None:
    """Entry point of the `dossier` script."""
    cli()
