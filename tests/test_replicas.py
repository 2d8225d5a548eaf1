"""Read replicas: readers' pages read a replica, editors and writes the primary.

A second connection to the test database stands in for the replica (replicas are
PostgreSQL's; the router is the same on SQLite, whose test database is shared between
connections): the router must send each query to the right one. (A real replica lags
behind the primary; what matters here is who is asked.)
"""

import copy

import pytest
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from articles.models import PublicationStatus, Statement
from articles.services import records_publish

from .factories import StatementFactory

pytestmark = pytest.mark.django_db(transaction=True)
ALIAS = "replica_stand_in"


@pytest.fixture
def replica(transactional_db, settings):
    """A second connection to the test database, named as a replica."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    stand_in = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=ALIAS)
    connections[ALIAS] = stand_in
    settings.DATABASE_REPLICAS = [ALIAS]
    try:
        yield stand_in
    finally:
        stand_in.close()
        if getattr(stand_in, "pool", None) is not None:
            stand_in.close_pool()
        del connections[ALIAS]


def test_a_readers_page_reads_the_replica_only(client, replica):
    statement = StatementFactory()
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    assert statement.text in response.content.decode()
    assert len(on_replica) > 0
    assert [q["sql"] for q in on_primary] == []


def test_the_admin_reads_the_primary_only(client, replica, django_user_model):
    StatementFactory()
    user = django_user_model.objects.create_superuser("chief", "c@example.org", "x" * 16)
    client.force_login(user)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get("/admin/articles/statement/")
    assert response.status_code == 200
    assert len(on_primary) > 0
    assert len(on_replica) == 0


def test_a_read_inside_a_write_transaction_reads_the_primary(replica):
    StatementFactory()
    with CaptureQueriesContext(replica) as on_replica:
        with transaction.atomic():
            assert Statement.objects.count() == 1
        assert Statement.objects.count() == 1  # outside: the replica
    assert len(on_replica) == 1


def test_writes_go_to_the_primary(replica):
    with CaptureQueriesContext(replica) as on_replica:
        statement = StatementFactory(status=PublicationStatus.DRAFT)
    assert not [q["sql"] for q in on_replica if not q["sql"].startswith("SELECT")]
    assert Statement.objects.using("default").filter(pk=statement.pk).exists()
    # A service is one transaction: it reads and writes the primary only.
    with CaptureQueriesContext(replica) as on_replica:
        records_publish(records=Statement.objects.filter(pk=statement.pk))
    assert [q["sql"] for q in on_replica] == []
    assert Statement.objects.using("default").get(pk=statement.pk).status == "published"
