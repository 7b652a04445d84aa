"""deliveries: the attempt budget each delivery was given

Revision ID: delivery0001
Revises: storage0001
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'delivery0001'
down_revision: str | None = 'storage0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Set at the first attempt from DELIVERY_MAX_ATTEMPTS; a later change of the setting
    # does not move the goalposts of deliveries already under way.
    op.add_column('deliveries', sa.Column('max_attempts', sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column('deliveries', 'max_attempts')
