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
    # Notification e-mails are on unless the person turns them off (in-app notices stay).
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email_notifications', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.add_column(sa.Column('language', sa.String(length=2), nullable=True))
    # The page a notification points at, relative to the site ("/reviewer/routes/…").
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('link', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('link')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('language')
        batch.drop_column('email_notifications')
