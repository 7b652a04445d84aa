"""notifications: a partial index of the unread ones, which every page's bell counts

Revision ID: i17unread01
Revises: i16committee01
Create Date: 2026-12-16 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'i17unread01'
down_revision: str | None = 'i16committee01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNREAD = sa.text("read_at IS NULL")


def upgrade() -> None:
    op.create_index('ix_notifications_user_unread', 'notifications', ['user_id'], unique=False,
                    postgresql_where=UNREAD, sqlite_where=UNREAD)


def downgrade() -> None:
    op.drop_index('ix_notifications_user_unread', table_name='notifications')
