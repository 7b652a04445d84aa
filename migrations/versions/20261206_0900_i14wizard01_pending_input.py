"""dossiers: what the founder typed that is not valid yet (pending input), kept with its error

Revision ID: i14wizard01
Revises: i14accounts01
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'i14wizard01'
down_revision: str | None = 'i14accounts01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # loc -> {"typed", "code", "ctx"}: a value the wizard could not accept yet, shown back in
    # its field with its error until the founder corrects it; never part of the content.
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column('dossiers', sa.Column('pending_input', json_type, nullable=True))


def downgrade() -> None:
    op.drop_column('dossiers', 'pending_input')
