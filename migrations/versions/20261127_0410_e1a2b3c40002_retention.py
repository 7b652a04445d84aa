"""retention and erasure

Revision ID: e1a2b3c40002
Revises: e1a2b3c40001
Create Date: 2026-11-27 04:00:00

`dossiers.warned_at` (when the founder was warned that an untouched draft will be purged)
and `deleted_dossiers`, the stub that remains of a purged or erased dossier.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dossier.db
from sqlalchemy.dialects import postgresql

revision: str = 'e1a2b3c40002'
down_revision: str | None = 'e1a2b3c40001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deleted_dossiers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('siren_hash', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', dossier.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', dossier.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=True),
    sa.Column('audit_hash', sa.String(length=64), nullable=True),
    sa.Column('pending_objects', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('objects_deleted_at', dossier.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_dossiers'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warned_at', dossier.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_column('warned_at')

    op.drop_table('deleted_dossiers')
