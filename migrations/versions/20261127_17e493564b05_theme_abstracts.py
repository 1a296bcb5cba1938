"""theme abstracts: a machine-written summary per theme, with its model and time

Revision ID: 17e493564b05
Revises: 998cefff3702
Create Date: 2026-11-27 04:14:45.674707

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17e493564b05'
down_revision = '998cefff3702'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('abstract', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('abstract_model', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('abstract_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('abstract_at')
        batch_op.drop_column('abstract_model')
        batch_op.drop_column('abstract')
