"""statistics rollup: daily and monthly counters and tip facts next to the ledger, backfilled from it

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# Copied, not imported: a migration must not change when the code does.
TIP_KINDS_SQL = ("kind IN ('tip_submitted', 'team_report_submitted', 'tip_moved', "
                 "'tip_outcome', 'tip_escalated', 'tip_taken', 'tip_closed')")


def upgrade() -> None:
    for name in ('ledger_daily', 'ledger_monthly'):
        op.create_table(
            name,
            sa.Column('day', sa.Date(), nullable=False),
            sa.Column('kind', sa.String(length=32), nullable=False),
            sa.Column('unit_id', BIG_ID, nullable=False),
            sa.Column('topic', sa.String(length=40), nullable=False),
            sa.Column('channel', sa.String(length=16), nullable=False),
            sa.Column('count', sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint('kind', 'unit_id', 'day', 'topic', 'channel',
                                    name=op.f(f'pk_{name}')),
            sqlite_with_rowid=False)
    op.create_table(
        'tip_facts',
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('unit_id', BIG_ID, nullable=True),
        sa.Column('topic', sa.String(length=40), nullable=True),
        sa.Column('team', sa.Integer(), nullable=False),
        sa.Column('credited', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('moved', sa.Integer(), nullable=False),
        sa.Column('escalated', sa.Integer(), nullable=False),
        sa.Column('first_action', sa.Integer(), nullable=True),
        sa.Column('closure', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('at', 'ref', name=op.f('pk_tip_facts')),
        sqlite_with_rowid=False)
    op.create_index('ix_tip_facts_ref', 'tip_facts', ['ref'], unique=True)
    op.create_table(
        'ledger_rollup_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_rollup_state')))
    op.create_index('ix_ledger_tip_refs', 'ledger_events', ['ref', 'kind'],
                    sqlite_where=sa.text(TIP_KINDS_SQL), postgresql_where=sa.text(TIP_KINDS_SQL))
    op.execute("INSERT INTO ledger_rollup_state (id, last_id) VALUES (1, 0)")
    backfill()


def backfill() -> None:
    """Fold the existing ledger into the new tables (the refresh job's statements, once)."""
    from storage.repositories.statistics_rollup import refresh_statements
    bind = op.get_bind()
    upto = bind.execute(sa.text("SELECT MAX(id) FROM ledger_events")).scalar() or 0
    if upto:
        for statement in refresh_statements(bind.dialect.name, 0, upto):
            bind.execute(statement)


def downgrade() -> None:
    op.drop_index('ix_ledger_tip_refs', table_name='ledger_events')
    op.drop_table('ledger_rollup_state')
    op.drop_index('ix_tip_facts_ref', table_name='tip_facts')
    op.drop_table('tip_facts')
    op.drop_table('ledger_monthly')
    op.drop_table('ledger_daily')
