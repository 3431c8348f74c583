"""mail hardening: HTML cleaned once at intake, unverified senders, counters of the parser's tolerated faults

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 04:30:00

Existing messages get their cleaned HTML from `helpdesk intake clean-html` (run once after the
upgrade; until then their HTML version is not shown, the text always is).
"""
from alembic import op
import sqlalchemy as sa

import helpdesk.database  # noqa: F401  (UTCDateTime in generated columns)


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intake_swallowed_error',
    sa.Column('site', sa.String(length=100), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', helpdesk.database.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('site')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html_safe', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sender_unverified', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('sender_unverified')
        batch_op.drop_column('body_html_safe')
    op.drop_table('intake_swallowed_error')
