"""attachments.issued_on: the document's date, from which its validity runs

Revision ID: validity0001
Revises: registry0001
Create Date: 2026-12-05 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'validity0001'
down_revision: str | None = 'registry0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('attachments', sa.Column('issued_on', sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column('attachments', 'issued_on')
