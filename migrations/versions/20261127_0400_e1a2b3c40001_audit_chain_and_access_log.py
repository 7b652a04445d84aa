"""audit chain and access log

Revision ID: e1a2b3c40001
Revises: d3eedda4d0b8
Create Date: 2026-11-27 04:00:00

Route events already in the database are back-filled: each dossier's events, oldest first,
become the start of its chain, so `dossier audit verify` covers them too.
"""

from collections.abc import Sequence
from itertools import groupby

import sqlalchemy as sa
from alembic import op

import dossier.db
from dossier.audit import HASHED_FIELDS, record_hash

revision: str = 'e1a2b3c40001'
down_revision: str | None = 'd3eedda4d0b8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_heads',
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=True),
    sa.Column('updated_at', dossier.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_audit_heads_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_audit_heads'))
    )
    op.create_table('access_records',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('route_id', sa.Uuid(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('partner_code', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('object_name', sa.String(length=255), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('via', sa.String(length=8), nullable=False),
    sa.Column('created_at', dossier.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('chain_seq', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_access_records_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], name=op.f('fk_access_records_route_id_routes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_records'))
    )
    with op.batch_alter_table('access_records', schema=None) as batch_op:
        batch_op.create_index('ix_access_records_dossier_created', ['dossier_id', 'created_at'], unique=False)

    with op.batch_alter_table('route_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_route_events_type_created', ['type', 'created_at'], unique=False)

    _chain_existing_events(op.get_bind())


def _chain_existing_events(bind) -> None:
    """Chain the route events written before this revision, per dossier, oldest first."""
    events = sa.table(
        'route_events', sa.column('id', sa.Uuid()), sa.column('route_id', sa.Uuid()),
        sa.column('type', sa.String()), sa.column('from_state', sa.String()),
        sa.column('to_state', sa.String()), sa.column('actor_id', sa.Uuid()),
        sa.column('actor_role', sa.String()), sa.column('payload', dossier.db.JSONType),
        sa.column('created_at', dossier.db.UTCDateTime(timezone=True)),
        sa.column('chain_seq', sa.Integer()), sa.column('prev_hash', sa.String()),
        sa.column('hash', sa.String()))
    routes = sa.table('routes', sa.column('id', sa.Uuid()), sa.column('dossier_id', sa.Uuid()))
    heads = sa.table('audit_heads', sa.column('dossier_id', sa.Uuid()),
                     sa.column('seq', sa.Integer()), sa.column('hash', sa.String()),
                     sa.column('updated_at', dossier.db.UTCDateTime(timezone=True)))
    hashed = [n for n in HASHED_FIELDS['route_events'] if n != 'chain_seq']
    rows = bind.execute(
        sa.select(routes.c.dossier_id, *[events.c[n] for n in hashed])
        .join(routes, routes.c.id == events.c.route_id)
        .order_by(routes.c.dossier_id, events.c.created_at, events.c.id)).mappings().all()
    links, ends = [], []
    for dossier_id, group in groupby(rows, key=lambda r: r['dossier_id']):
        seq, prev = 0, None
        for row in group:
            seq += 1
            fields = {**{n: row[n] for n in hashed}, 'chain_seq': seq}
            digest = record_hash('route_events', fields, prev)
            links.append({'_id': row['id'], '_seq': seq, '_prev': prev, '_hash': digest})
            prev = digest
        ends.append({'dossier_id': dossier_id, 'seq': seq, 'hash': prev,
                     'updated_at': dossier.db.utcnow()})
    if links:
        bind.execute(sa.update(events).where(events.c.id == sa.bindparam('_id'))
                     .values(chain_seq=sa.bindparam('_seq'), prev_hash=sa.bindparam('_prev'),
                             hash=sa.bindparam('_hash')), links)
        bind.execute(sa.insert(heads), ends)


def downgrade() -> None:
    with op.batch_alter_table('route_events', schema=None) as batch_op:
        batch_op.drop_index('ix_route_events_type_created')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('chain_seq')

    with op.batch_alter_table('access_records', schema=None) as batch_op:
        batch_op.drop_index('ix_access_records_dossier_created')

    op.drop_table('access_records')
    op.drop_table('audit_heads')
