"""committees: members among reviewers, sessions with their agenda, invitations by e-mail

Revision ID: i16committee01
Revises: i16opinions01
Create Date: 2026-12-15 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dossier.db import UTCDateTime

revision: str = 'i16committee01'
down_revision: str | None = 'i16opinions01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_BEFORE = sa.text("state IN ('delivered', 'in_review', 'info_requested', 'opened')")
# Routes in committee await a decision too: the inbox's partial index covers them.
OPEN_NOW = sa.text("state IN ('committee', 'delivered', 'in_review', 'info_requested', "
                   "'opened')")


def _open_index(where: sa.TextClause) -> None:
    op.drop_index('ix_routes_partner_open', table_name='routes')
    op.create_index('ix_routes_partner_open', 'routes', ['partner_code', 'delivered_at', 'id'],
                    unique=False, postgresql_where=where, sqlite_where=where)


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch "recreate" of `users` (every dossier references it).
    op.add_column('users', sa.Column('committee', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    # The iCalendar invitation a notification's e-mail carries.
    op.add_column('notifications', sa.Column('calendar', sa.Text(), nullable=True))
    op.create_table(
        'committee_sessions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('partner_code', sa.String(length=40), nullable=False),
        sa.Column('starts_at', UTCDateTime(), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=False),
        sa.Column('slot_minutes', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=True),
        sa.Column('video_url', sa.String(length=2000), nullable=True),
        sa.Column('created_by', sa.Uuid(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['partner_code'], ['partners.code'],
                                name=op.f('fk_committee_sessions_partner_code_partners'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'],
                                name=op.f('fk_committee_sessions_created_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_sessions')),
    )
    op.create_index('ix_committee_sessions_partner_starts', 'committee_sessions',
                    ['partner_code', 'starts_at'])
    op.create_table(
        'committee_items',
        sa.Column('session_id', sa.Uuid(), nullable=False),
        sa.Column('route_id', sa.Uuid(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['committee_sessions.id'],
                                name=op.f('fk_committee_items_session_id_committee_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['route_id'], ['routes.id'],
                                name=op.f('fk_committee_items_route_id_routes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', 'route_id', name=op.f('pk_committee_items')),
    )
    op.create_index(op.f('ix_committee_items_route_id'), 'committee_items', ['route_id'])
    _open_index(OPEN_NOW)


def downgrade() -> None:
    _open_index(OPEN_BEFORE)
    op.drop_index(op.f('ix_committee_items_route_id'), table_name='committee_items')
    op.drop_table('committee_items')
    op.drop_index('ix_committee_sessions_partner_starts', table_name='committee_sessions')
    op.drop_table('committee_sessions')
    op.drop_column('notifications', 'calendar')
    op.drop_column('users', 'committee')
