"""index for the reviewer inbox

Revision ID: e1a2b3c40004
Revises: e1a2b3c40003
Create Date: 2026-11-27 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'e1a2b3c40004'
down_revision: str | None = 'e1a2b3c40003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # bench/: a page of 50 on 600 000 routes went from ~300 ms to ~2 ms on PostgreSQL
    op.create_index('ix_routes_partner_delivered', 'routes',
                    ['partner_code', 'delivered_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_routes_partner_delivered', table_name='routes')
