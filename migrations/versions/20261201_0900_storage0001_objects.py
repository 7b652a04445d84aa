"""objects: one row per stored object, locked by writers and by the sweep

Revision ID: storage0001
Revises: auth0001
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dossier.db import UTCDateTime

revision: str = 'storage0001'
down_revision: str | None = 'auth0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'objects',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('released_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_objects')),
    )
    op.create_index(op.f('ix_attachments_storage_key'), 'attachments', ['storage_key'])
    op.create_index(op.f('ix_rendered_documents_storage_key'), 'rendered_documents',
                    ['storage_key'])
    # Every object a row references today gets its row; the others are the sweep's.
    op.execute("INSERT INTO objects (key, created_at) "
               "SELECT storage_key, MIN(created_at) FROM ("
               "SELECT storage_key, created_at FROM attachments UNION ALL "
               "SELECT storage_key, created_at FROM rendered_documents) AS used "
               "GROUP BY storage_key")


def downgrade() -> None:
    op.drop_index(op.f('ix_rendered_documents_storage_key'), table_name='rendered_documents')
    op.drop_index(op.f('ix_attachments_storage_key'), table_name='attachments')
    op.drop_table('objects')
