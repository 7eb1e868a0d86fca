"""bulletin issuer and source: who issued a library bulletin and where to check it

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('source', sa.String(length=500), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('issuer')
