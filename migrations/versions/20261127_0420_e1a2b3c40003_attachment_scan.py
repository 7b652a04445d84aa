"""attachment scan status

Revision ID: e1a2b3c40003
Revises: e1a2b3c40002
Create Date: 2026-11-27 04:00:00

`attachments.scan_status`: the clamd verdict on the bytes (not_scanned when no clamd is
configured; existing rows were never scanned).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e1a2b3c40003'
down_revision: str | None = 'e1a2b3c40002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scan_status', sa.String(length=16),
                                      server_default='not_scanned', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('scan_status')
