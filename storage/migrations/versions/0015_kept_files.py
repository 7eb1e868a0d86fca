"""kept_files: tipsters' files downloaded from links that expire (Zalo CDN), images without
metadata; erased with the tip's contents

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kept_files',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('tip_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('mime', sa.String(length=100), nullable=False),
        sa.Column('filename', sa.String(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tip_id'], ['tips.id'], name=op.f('fk_kept_files_tip_id_tips')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_files')))
    op.create_index('ix_kept_files_tip_id', 'kept_files', ['tip_id'], unique=False)
    op.create_index('ix_kept_files_created_at', 'kept_files', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_kept_files_created_at', table_name='kept_files')
    op.drop_index('ix_kept_files_tip_id', table_name='kept_files')
    op.drop_table('kept_files')
