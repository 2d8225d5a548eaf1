"""`Among(F("statement_id"), ids)`: a column among thousands of ids, as one parameter.

Django's `__in=ids` prepares, normalises and binds each value on its own: for the 2,000
ids of an export chunk that is about 5 ms of Python per query, more than the query itself
takes (the statement exports run three such queries per chunk). `Among` binds the whole
list once: PostgreSQL compares with `= ANY(%s)` (an array), SQLite with `IN (SELECT value
FROM json_each(%s))` (a JSON array); both probe the column's index as `IN` does. Used
directly in `filter()`. Ids only: each value must be a whole number.
"""

import json

from django.db.models import BooleanField, Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        super().__init__(lhs, [int(value) for value in rhs])

    @property
    def output_field(self):
        return BooleanField()

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.rhs)]
