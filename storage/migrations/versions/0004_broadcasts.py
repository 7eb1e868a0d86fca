"""broadcasts: bulletins sent out, their outbox, drain leases

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', BigId, nullable=False),
    sa.Column('parent_id', BigId, nullable=True),
    sa.Column('bulletin_id', BigId, nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo_ref', sa.String(length=1024), nullable=True),
    sa.Column('photo_file_id', sa.String(length=256), nullable=True),
    sa.Column('photo_error', sa.String(length=200), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('all_units', sa.Boolean(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('sender_member_id', BigId, nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_seconds', sa.Integer(), nullable=True),
    sa.Column('recurrence', sa.String(length=120), nullable=True),
    sa.Column('allow_paid', sa.Boolean(), nullable=False),
    sa.Column('fanout_cursor', BigId, nullable=False),
    sa.Column('fanout_done', sa.Boolean(), nullable=False),
    sa.Column('fanout_lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('blocked', sa.Integer(), nullable=False),
    sa.Column('expired', sa.Integer(), nullable=False),
    sa.Column('status_channel', sa.String(length=16), nullable=True),
    sa.Column('status_chat', sa.String(length=64), nullable=True),
    sa.Column('status_lang', sa.String(length=8), nullable=False),
    sa.Column('status_message', sa.String(length=64), nullable=True),
    sa.Column('status_shown', sa.String(length=32), nullable=True),
    sa.Column('rate', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletins.id'], name=op.f('fk_broadcasts_bulletin_id_bulletins')),
    sa.ForeignKeyConstraint(['parent_id'], ['broadcasts.id'], name=op.f('fk_broadcasts_parent_id_broadcasts')),
    sa.ForeignKeyConstraint(['sender_member_id'], ['members.id'], name=op.f('fk_broadcasts_sender_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts')),
    sa.UniqueConstraint('parent_id', 'start_at', name=op.f('uq_broadcasts_parent_id'))
    )
    op.create_index('ix_broadcasts_status_start', 'broadcasts', ['status', 'start_at'], unique=False)
    op.create_table('broadcast_outbox',
    sa.Column('id', BigId, nullable=False),
    sa.Column('broadcast_id', BigId, nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('subscriber_id', BigId, nullable=True),
    sa.Column('unit_id', BigId, nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('message_ref', sa.String(length=64), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_outbox_broadcast_id_broadcasts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_outbox')),
    sa.UniqueConstraint('broadcast_id', 'channel', 'chat_id', name=op.f('uq_broadcast_outbox_broadcast_id'))
    )
    op.create_index('ix_broadcast_outbox_claim', 'broadcast_outbox', ['channel', 'state', 'id'], unique=False)
    op.create_index('ix_broadcast_outbox_state', 'broadcast_outbox', ['broadcast_id', 'state'], unique=False)
    op.create_table('drain_leases',
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', name=op.f('pk_drain_leases'))
    )


def downgrade() -> None:
    op.drop_table('drain_leases')
    op.drop_index('ix_broadcast_outbox_state', table_name='broadcast_outbox')
    op.drop_index('ix_broadcast_outbox_claim', table_name='broadcast_outbox')
    op.drop_table('broadcast_outbox')
    op.drop_index('ix_broadcasts_status_start', table_name='broadcasts')
    op.drop_table('broadcasts')
