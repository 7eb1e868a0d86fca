"""team roster: teams.on_roster and roster_members, the real roster imported from a CSV file

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_roster', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        'roster_members',
        sa.Column('id', BIG_ID, nullable=False),
        sa.Column('team_id', BIG_ID, nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'],
                                name=op.f('fk_roster_members_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_members')),
        sa.UniqueConstraint('team_id', 'name', name=op.f('uq_roster_members_team_id')))


def downgrade() -> None:
    op.drop_table('roster_members')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('on_roster')
