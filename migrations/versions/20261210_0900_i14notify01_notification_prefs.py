"""notifications: a link to the thing; users: e-mail opt-out and the language of notices

Revision ID: i14notify01
Revises: i14wizard01
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'i14notify01'
down_revision: str | None = 'i14wizard01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch "recreate": on SQLite, recreating `users` drops the
    # table that every dossier references, which foreign keys refuse on a live database.
    # Notification e-mails are on unless the person turns them off (in-app notices stay).
    op.add_column('users', sa.Column('email_notifications', sa.Boolean(), nullable=False,
                                     server_default=sa.true()))
    op.add_column('users', sa.Column('language', sa.String(length=2), nullable=True))
    # The page a notification points at, relative to the site ("/reviewer/routes/…").
    op.add_column('notifications', sa.Column('link', sa.String(length=300), nullable=True))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), for the same reason as above.
    op.drop_column('notifications', 'link')
    op.drop_column('users', 'language')
    op.drop_column('users', 'email_notifications')
