"""routes.kind and routes.origin (mediation referrals): one route per dossier, partner and
kind, one delivery per version and route; disbursements; the decided-routes index counts
accepted offers

Revision ID: decisions0001
Revises: validity0001
Create Date: 2026-12-06 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dossier.db import JSONType, UTCDateTime

revision: str = 'decisions0001'
down_revision: str | None = 'validity0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECIDED_BEFORE = "state IN ('approved', 'declined')"
DECIDED_NOW = "state IN ('accepted', 'approved', 'declined')"


def _sqlite_extras(table: str) -> list[tuple[str, str, str]]:
    """A table's triggers and indexes (type, name, SQL): SQLite drops them with the table a
    batch copies, or copies an index without its WHERE (the tallies' triggers on routes, the
    inbox's partial indexes)."""
    return [tuple(row) for row in op.get_bind().exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN "
        "('trigger', 'index') AND sql IS NOT NULL AND name NOT LIKE 'uq_%'",
        (table,)).fetchall()]


def _unique(table: str, old: list[str], new: list[str]) -> None:
    """Swap a unique constraint (SQLite: by copying the table, foreign keys off; see env)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    extras = _sqlite_extras(table) if sqlite else []
    with op.batch_alter_table(table, recreate="always" if sqlite else "auto") as batch:
        batch.drop_constraint(f"uq_{table}_{'_'.join(old)}", type_='unique')
        batch.create_unique_constraint(f"uq_{table}_{'_'.join(new)}", new)
    for kind, name, sql in extras:
        op.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        op.execute(sql)


def _decided_index(predicate: str) -> None:
    op.drop_index('ix_routes_partner_decided', table_name='routes')
    op.create_index('ix_routes_partner_decided', 'routes',
                    ['partner_code', 'updated_at', 'id'], unique=False,
                    postgresql_where=sa.text(predicate), sqlite_where=sa.text(predicate))


def upgrade() -> None:
    op.add_column('routes', sa.Column('kind', sa.String(length=20), nullable=False,
                                      server_default='funding'))
    op.add_column('routes', sa.Column('origin', JSONType, nullable=True))
    _unique('routes', ['dossier_id', 'partner_code'], ['dossier_id', 'partner_code', 'kind'])
    _unique('deliveries', ['version_id', 'partner_code'], ['version_id', 'route_id'])
    _decided_index(DECIDED_NOW)
    op.create_table(
        'disbursements',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('route_id', sa.Uuid(), nullable=False),
        sa.Column('amount_cents', sa.BigInteger(), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=True),
        sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['route_id'], ['routes.id'],
                                name=op.f('fk_disbursements_route_id_routes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_disbursements_recorded_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements')),
    )
    op.create_index(op.f('ix_disbursements_route_id'), 'disbursements', ['route_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_disbursements_route_id'), table_name='disbursements')
    op.drop_table('disbursements')
    _decided_index(DECIDED_BEFORE)
    op.execute("DELETE FROM routes WHERE kind <> 'funding'")
    _unique('deliveries', ['version_id', 'route_id'], ['version_id', 'partner_code'])
    _unique('routes', ['dossier_id', 'partner_code', 'kind'], ['dossier_id', 'partner_code'])
    op.drop_column('routes', 'origin')
    op.drop_column('routes', 'kind')
