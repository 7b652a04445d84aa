"""accounts: co-founders of a dossier, e-mail invitations, sample dossiers of the demo

Revision ID: i14accounts01
Revises: delivery0001
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dossier.db import UTCDateTime

revision: str = 'i14accounts01'
down_revision: str | None = 'delivery0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch "recreate" of `dossiers` on SQLite would drop the table
    # the routes, events and attachments reference.
    op.add_column('dossiers', sa.Column('sample', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    op.create_table(
        'dossier_members',
        sa.Column('dossier_id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                                name=op.f('fk_dossier_members_dossier_id_dossiers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_dossier_members_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('dossier_id', 'user_id', name=op.f('pk_dossier_members')),
    )
    op.create_index(op.f('ix_dossier_members_user_id'), 'dossier_members', ['user_id'])
    op.create_table(
        'invitations',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('partner_code', sa.String(length=40), nullable=True),
        sa.Column('dossier_id', sa.Uuid(), nullable=True),
        sa.Column('invited_by', sa.Uuid(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('accepted_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['partner_code'], ['partners.code'],
                                name=op.f('fk_invitations_partner_code_partners'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'],
                                name=op.f('fk_invitations_dossier_id_dossiers'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by'], ['users.id'],
                                name=op.f('fk_invitations_invited_by_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    )
    op.create_index('ix_invitations_email', 'invitations', ['email'])
    op.create_index(op.f('ix_invitations_dossier_id'), 'invitations', ['dossier_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_invitations_dossier_id'), table_name='invitations')
    op.drop_index('ix_invitations_email', table_name='invitations')
    op.drop_table('invitations')
    op.drop_index(op.f('ix_dossier_members_user_id'), table_name='dossier_members')
    op.drop_table('dossier_members')
    op.drop_column('dossiers', 'sample')
