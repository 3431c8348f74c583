"""sla_refresh: requests to recompute open tickets' SLA times after calendar or service-level changes, with progress

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-05 04:40:00

"""
from alembic import op
import sqlalchemy as sa

import helpdesk.database  # noqa: F401  (UTCDateTime in generated columns)


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sla_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_at', helpdesk.database.UTCDateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('started_at', helpdesk.database.UTCDateTime(), nullable=True),
    sa.Column('finished_at', helpdesk.database.UTCDateTime(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_sla_refresh_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_refresh'))
    )
    with op.batch_alter_table('sla_refresh', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_refresh_finished_at'), ['finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('sla_refresh', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_refresh_finished_at'))
    op.drop_table('sla_refresh')
