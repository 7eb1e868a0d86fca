"""zalo: OA token pair, last interaction per user, bulletin message ids for receipts

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('zalo_oa_tokens',
    sa.Column('app_id', sa.String(length=64), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=False),
    sa.Column('refresh_token', sa.Text(), nullable=False),
    sa.Column('access_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('app_id', name=op.f('pk_zalo_oa_tokens'))
    )
    op.create_table('zalo_interactions',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'user_id', name=op.f('pk_zalo_interactions'))
    )
    with op.batch_alter_table('zalo_interactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zalo_interactions_last_at'), ['last_at'],
                              unique=False)
    op.create_table('zalo_outbound',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('msg_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('channel', 'msg_id', name=op.f('pk_zalo_outbound'))
    )
    with op.batch_alter_table('zalo_outbound', schema=None) as batch_op:
        batch_op.create_index('ix_zalo_outbound_sent_at', ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('zalo_outbound', schema=None) as batch_op:
        batch_op.drop_index('ix_zalo_outbound_sent_at')
    op.drop_table('zalo_outbound')
    with op.batch_alter_table('zalo_interactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zalo_interactions_last_at'))
    op.drop_table('zalo_interactions')
    op.drop_table('zalo_oa_tokens')
