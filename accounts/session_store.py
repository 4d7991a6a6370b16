"""Django's database sessions, read without the ORM.

Every page reads its session first: through the ORM that costs about a thousand Python calls to
build the same one-line SQL each time. This store sends that SQL, written once, and leaves
everything else (writing, expiring, clearing, `clearsessions`) to Django's own store, on the
same table, so sessions made before it stay valid and a switch back loses none.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                # The table's name is the model's, quoted: no value of a request is in it.
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session, as Django's store does
            self._session_key = None
            return {}
        return self.decode(row[0])
