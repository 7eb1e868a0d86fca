"""zalo offers: the sealed choices of the last message each Zalo user was sent

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('zalo_offers',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'user_id', name=op.f('pk_zalo_offers'))
    )
    with op.batch_alter_table('zalo_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zalo_offers_offered_at'), ['offered_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('zalo_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zalo_offers_offered_at'))
    op.drop_table('zalo_offers')
