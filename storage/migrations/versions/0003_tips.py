"""tips: tips, sealed links, follow-up messages, officers' groups, notifications outbox, rate counters

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_rate_counters'))
    )
    op.create_table('tips',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('label', sa.String(length=8), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('first_unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('possible_duplicate', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('duplicate_of', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('taken_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reporter_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('prompted_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_action_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('conversation_ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['duplicate_of'], ['tips.id'], name=op.f('fk_tips_duplicate_of_tips')),
    sa.ForeignKeyConstraint(['first_unit_id'], ['units.id'], name=op.f('fk_tips_first_unit_id_units')),
    sa.ForeignKeyConstraint(['reporter_member_id'], ['members.id'], name=op.f('fk_tips_reporter_member_id_members')),
    sa.ForeignKeyConstraint(['taken_by'], ['members.id'], name=op.f('fk_tips_taken_by_members')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_tips_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tips')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_tips_code_hash')),
    sa.UniqueConstraint('label', name=op.f('uq_tips_label'))
    )
    op.create_index('ix_tips_text_hash', 'tips', ['text_hash'], unique=False)
    op.create_index('ix_tips_unit_status', 'tips', ['unit_id', 'status'], unique=False)
    op.create_table('unit_groups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('registered_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registered_by'], ['members.id'], name=op.f('fk_unit_groups_registered_by_members')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_groups_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_groups')),
    sa.UniqueConstraint('channel', 'chat_id', name=op.f('uq_unit_groups_channel'))
    )
    op.create_index(op.f('ix_unit_groups_unit_id'), 'unit_groups', ['unit_id'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=True),
    sa.Column('tip_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('sent_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_notifications_tip_id_tips')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    op.create_index('ix_notifications_state', 'notifications', ['channel', 'state', 'not_before'], unique=False)
    op.create_table('tip_links',
    sa.Column('tip_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('erase_after', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_tip_links_tip_id_tips')),
    sa.PrimaryKeyConstraint('tip_id', name=op.f('pk_tip_links'))
    )
    op.create_index(op.f('ix_tip_links_erase_after'), 'tip_links', ['erase_after'], unique=False)
    op.create_table('tip_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tip_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('author_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_member_id'], ['members.id'], name=op.f('fk_tip_messages_author_member_id_members')),
    sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_tip_messages_tip_id_tips')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tip_messages'))
    )
    op.create_index(op.f('ix_tip_messages_tip_id'), 'tip_messages', ['tip_id'], unique=False)
    op.add_column('units', sa.Column('boundary', sa.JSON(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table('units') as batch_op:
        batch_op.drop_column('boundary')
    op.drop_index(op.f('ix_tip_messages_tip_id'), table_name='tip_messages')
    op.drop_table('tip_messages')
    op.drop_index(op.f('ix_tip_links_erase_after'), table_name='tip_links')
    op.drop_table('tip_links')
    op.drop_index('ix_notifications_state', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index(op.f('ix_unit_groups_unit_id'), table_name='unit_groups')
    op.drop_table('unit_groups')
    op.drop_index('ix_tips_unit_status', table_name='tips')
    op.drop_index('ix_tips_text_hash', table_name='tips')
    op.drop_table('tips')
    op.drop_table('rate_counters')
