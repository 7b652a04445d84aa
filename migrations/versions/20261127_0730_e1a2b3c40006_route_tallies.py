"""route tallies: per-partner route counts kept by triggers

Revision ID: e1a2b3c40006
Revises: e1a2b3c40005
Create Date: 2026-11-27 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e1a2b3c40006'
down_revision: str | None = 'e1a2b3c40005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The inbox total counted every route of the partner on each request (5 ms and growing
# with history); the triggers append signed deltas instead, which never block each other.
PG_FUNCTIONS = {
    "insert": "SELECT partner_code, state, count(*) FROM new_rows GROUP BY 1, 2",
    "delete": "SELECT partner_code, state, -count(*) FROM old_rows GROUP BY 1, 2",
    "update": ("SELECT partner_code, state, sum(n) FROM ("
               "SELECT partner_code, state, 1 AS n FROM new_rows UNION ALL "
               "SELECT partner_code, state, -1 FROM old_rows) AS d "
               "GROUP BY 1, 2 HAVING sum(n) <> 0"),
}
PG_TRANSITIONS = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                  "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
INSERT = "INSERT INTO route_tallies (partner_code, state, n) "
SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT ON routes BEGIN "
               f"{INSERT}VALUES (NEW.partner_code, NEW.state, 1); END"),
    "delete": ("AFTER DELETE ON routes BEGIN "
               f"{INSERT}VALUES (OLD.partner_code, OLD.state, -1); END"),
    "update": ("AFTER UPDATE OF state, partner_code ON routes "
               "WHEN OLD.state IS NOT NEW.state OR OLD.partner_code IS NOT NEW.partner_code "
               f"BEGIN {INSERT}VALUES (OLD.partner_code, OLD.state, -1); "
               f"{INSERT}VALUES (NEW.partner_code, NEW.state, 1); END"),
}


def upgrade() -> None:
    op.create_table(
        'route_tallies',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('partner_code', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_route_tallies')))
    op.create_index('ix_route_tallies_partner_state', 'route_tallies',
                    ['partner_code', 'state'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for kind, select in PG_FUNCTIONS.items():
            op.execute(f"CREATE FUNCTION route_tallies_{kind}() RETURNS trigger "
                       f"LANGUAGE plpgsql AS $$ BEGIN {INSERT}{select}; RETURN NULL; END $$")
            op.execute(f"CREATE TRIGGER routes_tally_{kind} AFTER {kind.upper()} ON routes "
                       f"REFERENCING {PG_TRANSITIONS[kind]} FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION route_tallies_{kind}()")
    else:
        for kind, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER routes_tally_{kind} {body}")
    op.execute(f"{INSERT}SELECT partner_code, state, count(*) FROM routes GROUP BY 1, 2")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for kind in PG_FUNCTIONS:
        op.execute(f"DROP TRIGGER IF EXISTS routes_tally_{kind}"
                   + (" ON routes" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS route_tallies_{kind}()")
    op.drop_index('ix_route_tallies_partner_state', table_name='route_tallies')
    op.drop_table('route_tallies')
