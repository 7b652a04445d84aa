"""registry_companies, registry_checks: the company registry's answers and the checks to redo

Revision ID: registry0001
Revises: i14notify01
Create Date: 2026-12-05 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dossier.db import JSONType, UTCDateTime

revision: str = 'registry0001'
down_revision: str | None = 'i14notify01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'registry_companies',
        sa.Column('number', sa.String(length=14), nullable=False),
        sa.Column('siren', sa.String(length=9), nullable=False),
        sa.Column('found', sa.Boolean(), nullable=False),
        sa.Column('facts', JSONType, nullable=True),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('fetched_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('number', name=op.f('pk_registry_companies')),
    )
    op.create_index(op.f('ix_registry_companies_siren'), 'registry_companies', ['siren'])
    op.create_table(
        'registry_checks',
        sa.Column('number', sa.String(length=14), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('done_at', UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('number', name=op.f('pk_registry_checks')),
    )
    op.create_index(op.f('ix_registry_checks_next_attempt_at'), 'registry_checks',
                    ['next_attempt_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_registry_checks_next_attempt_at'), table_name='registry_checks')
    op.drop_table('registry_checks')
    op.drop_index(op.f('ix_registry_companies_siren'), table_name='registry_companies')
    op.drop_table('registry_companies')
