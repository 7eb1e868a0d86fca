"""tips.happened_at: when a team member says the incident happened (the card showed only when
the report was sent)

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('happened_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tips', schema=None) as batch_op:
        batch_op.drop_column('happened_at')
