"""zalo oa tokens sealed: the access and refresh tokens are kept sealed with the key outside the
database; existing rows are marked as in clear, and the bot re-stores them sealed on first read
(a migration cannot seal them itself: it has no key, by design)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('zalo_oa_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    # Sealed tokens cannot be opened without the key: drop them, the OA re-seeds from settings.
    op.execute(sa.text("DELETE FROM zalo_oa_tokens WHERE sealed"))
    with op.batch_alter_table('zalo_oa_tokens', schema=None) as batch_op:
        batch_op.drop_column('sealed')
