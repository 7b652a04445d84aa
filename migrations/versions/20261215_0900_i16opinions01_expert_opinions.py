"""opinions: an outside expert's opinion a partner's reviewer asks for on one route

Revision ID: i16opinions01
Revises: decisions0001
Create Date: 2026-12-15 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dossier.db import UTCDateTime

revision: str = 'i16opinions01'
down_revision: str | None = 'decisions0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'opinions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('route_id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('invited_by', sa.Uuid(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('question', sa.String(length=5000), nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('answer', sa.String(length=10000), nullable=True),
        sa.Column('answered_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['route_id'], ['routes.id'],
                                name=op.f('fk_opinions_route_id_routes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by'], ['users.id'],
                                name=op.f('fk_opinions_invited_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_opinions')),
    )
    op.create_index('ix_opinions_route_created', 'opinions', ['route_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_opinions_route_created', table_name='opinions')
    op.drop_table('opinions')
