"""statistics: offline activities, unit successions, covering indexes on the ledger

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# Copied, not imported: a migration must not change when the code does.
TIP_KINDS_SQL = ("kind IN ('tip_submitted', 'team_report_submitted', 'tip_moved', "
                 "'tip_outcome', 'tip_escalated', 'tip_taken', 'tip_closed')")


def upgrade() -> None:
    op.create_table(
        'offline_activities',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('record_id', BIG_ID, nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('current', sa.Boolean(), nullable=False),
        sa.Column('withdrawn', sa.Boolean(), nullable=False),
        sa.Column('unit_id', BIG_ID, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('attendance', sa.Integer(), nullable=True),
        sa.Column('aired', sa.Integer(), nullable=True),
        sa.Column('succeeded', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('recorded_by', sa.String(length=120), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_offline_activities_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_activities')),
        sa.UniqueConstraint('record_id', 'version',
                            name=op.f('uq_offline_activities_record_id')))
    op.create_index('ix_offline_activities_current_day', 'offline_activities', ['current', 'day'])
    op.create_index('ix_offline_activities_unit_day', 'offline_activities', ['unit_id', 'day'])
    op.create_table(
        'unit_successions',
        sa.Column('old_slug', sa.String(length=64), nullable=False),
        sa.Column('new_slug', sa.String(length=64), nullable=False),
        sa.Column('effective', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('old_slug', 'new_slug', name=op.f('pk_unit_successions')))
    # Covering indexes for the report (see storage/tables/statistics.py).
    op.create_index('ix_ledger_stats_unit', 'ledger_events', ['kind', 'unit_id', 'at', 'count'])
    op.create_index('ix_ledger_stats_topic', 'ledger_events',
                    ['kind', 'topic', 'at', 'unit_id', 'count'])
    op.create_index('ix_ledger_stats_tips', 'ledger_events',
                    ['kind', 'at', 'ref', 'unit_id', 'topic'],
                    sqlite_where=sa.text(TIP_KINDS_SQL), postgresql_where=sa.text(TIP_KINDS_SQL),
                    postgresql_include=['data'])


def downgrade() -> None:
    op.drop_index('ix_ledger_stats_tips', table_name='ledger_events')
    op.drop_index('ix_ledger_stats_topic', table_name='ledger_events')
    op.drop_index('ix_ledger_stats_unit', table_name='ledger_events')
    op.drop_table('unit_successions')
    op.drop_index('ix_offline_activities_unit_day', table_name='offline_activities')
    op.drop_index('ix_offline_activities_current_day', table_name='offline_activities')
    op.drop_table('offline_activities')
