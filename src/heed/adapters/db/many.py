"""Core INSERTs and UPDATEs of many rows, sent on the transaction's own driver cursor.

The inbound writer stores each batch with a handful of such statements (ledger entries,
stripe heads, consent_state, inbound texts, marketing consent). Run through SQLAlchemy,
every row of an executemany is turned into parameters one by one (its bind names, its
type processing, its cache key), which cost more than the driver's own work. Here the
statement is compiled once per dialect, exactly as SQLAlchemy compiles it, and each
row goes to the driver as a tuple processed by the same bind processors, in the same
transaction (the SQLAlchemy connection's) and with the driver's ``executemany``, as
SQLAlchemy sends them: the same SQL, the same values, the same round trips.

On PostgreSQL a statement may name its own SQL taking one array per column
(``unnest``, in binary): all the rows in one statement, where psycopg's executemany sends and
the server runs one per row, each costing the client about what the row's values do.
The values are the same (the same bind processors, gathered per column), and so are
the rows written; the statements' keys are distinct within a batch, so a row is never
meant to be changed twice by one statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update


@dataclass(frozen=True)
class _Compiled:
    sql: str
    width: int
    # The row's values in the SQL's parameter order, from the row followed by the
    # values the statement itself holds (``values(consented=False)``).
    pick: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    constants: tuple[Any, ...]
    # The parameters that have a bind processor, by position.
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    # The parameter names of a dialect with named parameters (psycopg's pyformat).
    names: tuple[str, ...] | None


class ManyRows:
    """One INSERT or UPDATE, its parameters given per row as tuples in ``columns`` order."""

    def __init__(
        self,
        statement: Insert | Update,
        columns: Sequence[str],
        *,
        postgresql_arrays: str | None = None,
    ) -> None:
        """``postgresql_arrays``: the same statement for PostgreSQL over one array
        parameter per column, in ``columns`` order."""
        self._statement = statement
        self.columns = tuple(columns)
        self._arrays_sql = postgresql_arrays
        self._compiled: dict[type[Dialect], _Compiled] = {}
        self._column_processors: dict[type[Dialect], tuple[tuple[int, Any], ...]] = {}

    def run(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Send ``rows`` (one executemany) on ``connection``'s transaction."""
        if not rows:
            return
        dialect = connection.dialect
        arrays = self._arrays_sql is not None and dialect.name == "postgresql"
        sql, parameters = self.arrays(dialect, rows) if arrays else self.prepared(dialect, rows)
        with _driver_cursor(connection, sql, parameters) as cursor:
            if arrays:
                cursor.execute(sql, parameters)
            else:
                cursor.executemany(sql, parameters)

    def prepared(self, dialect: Dialect, rows: Sequence[tuple[Any, ...]]) -> tuple[str, list[Any]]:
        """The SQL and the driver's parameters for ``rows``, as :meth:`run` sends them."""
        compiled = self._compiled.get(type(dialect))
        if compiled is None:
            compiled = self._compiled[type(dialect)] = self._compile(dialect)
        return compiled.sql, _parameters(compiled, rows)

    def arrays(self, dialect: Dialect, rows: Sequence[tuple[Any, ...]]) -> tuple[str, list[Any]]:
        """PostgreSQL's one statement for ``rows`` and its parameters: per column, the
        list of its values, each processed as :meth:`prepared` processes it."""
        assert self._arrays_sql is not None
        processors = self._column_processors.get(type(dialect))
        if processors is None:
            compiled = self._statement.compile(dialect=dialect, column_keys=list(self.columns))
            binds = {name: bind for bind, name in compiled.bind_names.items()}
            processors = tuple(
                (index, process)
                for index, name in enumerate(self.columns)
                if (process := binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            )
            self._column_processors[type(dialect)] = processors
        width = len(self.columns)
        if any(len(row) != width for row in rows):
            raise ValueError(f"rows of {width} values expected")
        columns = [list(values) for values in zip(*rows, strict=True)]
        for index, process in processors:
            columns[index] = [process(value) for value in columns[index]]
        return self._arrays_sql, columns

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self._statement.compile(dialect=dialect, column_keys=list(self.columns))
        if compiled.insert_prefetch or compiled.update_prefetch:
            # Defaults computed in Python per row: SQLAlchemy's to fill in, not this.
            raise ValueError("ManyRows takes statements whose every value is given")
        if compiled.positional:
            order = list(compiled.positiontup or [])
        else:
            order = list(compiled.bind_names.values())
        binds = {bind_name: bind for bind, bind_name in compiled.bind_names.items()}
        indexes: list[int] = []
        constants: list[Any] = []
        processors: list[tuple[int, Callable[[Any], Any]]] = []
        for position, name in enumerate(order):
            bind = binds[name]
            if bind.expanding or bind.callable is not None:
                raise ValueError(f"{name}: ManyRows takes plain parameters only")
            if name in self.columns:
                indexes.append(self.columns.index(name))
            else:
                indexes.append(len(self.columns) + len(constants))
                constants.append(bind.effective_value)
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((position, process))
        names = None
        if not compiled.positional:
            escaped = compiled.escaped_bind_names
            names = tuple(escaped.get(name, name) for name in order)
        return _Compiled(
            compiled.string,
            len(self.columns),
            _picker(indexes),
            tuple(constants),
            tuple(processors),
            names,
        )


def _picker(indexes: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    if len(indexes) == 1:
        [index] = indexes
        return lambda row: (row[index],)
    return itemgetter(*indexes)


def _parameters(compiled: _Compiled, rows: Iterable[tuple[Any, ...]]) -> list[Any]:
    pick, constants, processors = compiled.pick, compiled.constants, compiled.processors
    width = compiled.width
    values: list[Any] = []
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row of {len(row)} values for {width} columns")
        picked = pick(row + constants if constants else row)
        if processors:
            changed = list(picked)
            for position, process in processors:
                changed[position] = process(changed[position])
            picked = tuple(changed)
        values.append(picked)
    if compiled.names is None:
        return values
    names = compiled.names
    return [dict(zip(names, row, strict=True)) for row in values]


@contextmanager
def sent_together(session: Session) -> Iterator[None]:
    """The :class:`ManyRows` writes run inside go to PostgreSQL without waiting for each
    one's answer, and the answers are read once, on leaving (psycopg's pipeline mode):
    one round trip for a batch's writes, whose results nobody reads. An error of any of
    them is raised on leaving, as SQLAlchemy raises the driver's errors, and the
    transaction is then rolled back as after any failed statement.

    The session's pending changes are flushed first. Inside, nothing may go through
    SQLAlchemy but the transaction's commit, last: it reads a statement's answer as
    soon as it is sent. A commit there goes with the writes and runs only if they all
    did. Elsewhere than on PostgreSQL the statements run one by one, as ever.
    """
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.pipeline():
            yield
    except BaseException as failed:
        # A commit sent with failed writes did not run, but SQLAlchemy takes the
        # transaction for ended and would hand the connection on still in it. (A
        # connection that broke cannot roll back: the pool discards it.)
        with suppress(dialect.loaded_dbapi.Error):
            driver.rollback()
        if isinstance(failed, dialect.loaded_dbapi.Error):
            raise _as_sqlalchemy_raises(dialect, failed, "(statements sent together)") from failed
        raise


@dataclass(frozen=True)
class DriverRead:
    """One read of several sent together (:func:`read_together`): its SQL in the
    driver's own form for PostgreSQL (``%s``, ``%b``: psycopg's) with its parameters,
    and how any other database runs it."""

    sql: str
    parameters: Sequence[Any]
    elsewhere: Callable[[Connection], Sequence[Any]]


def read_together(connection: Connection, reads: Sequence[DriverRead]) -> list[list[Any]]:
    """Each read's rows, in order, run in order on ``connection``'s transaction.

    On PostgreSQL they are sent together and answered in one round trip (psycopg's
    pipeline mode): each statement still runs after the one before it has finished,
    with its own snapshot, so a read sent after a ``FOR UPDATE`` sees what the
    transaction that held the lock committed. Elsewhere they run one by one.
    """
    if connection.dialect.name != "postgresql":
        return [list(read.elsewhere(connection)) for read in reads]
    if len(reads) < 2:
        return [driver_rows(connection, read.sql, read.parameters) for read in reads]
    dialect = connection.dialect
    driver = connection.connection.driver_connection
    assert driver is not None
    cursors = [connection.connection.cursor() for _ in reads]
    try:
        with driver.pipeline():
            for cursor, read in zip(cursors, reads, strict=True):
                cursor.execute(read.sql, read.parameters)
            return [list(cursor.fetchall()) for cursor in cursors]
    except dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_raises(dialect, error, "(statements read together)") from error
    finally:
        for cursor in cursors:
            cursor.close()


def driver_send(connection: Connection, sql: str, parameters: Sequence[Any]) -> None:
    """Run one statement in the driver's own SQL whose rows nobody reads: inside
    :func:`sent_together` it is sent without waiting for its answer."""
    with _driver_cursor(connection, sql, parameters) as cursor:
        cursor.execute(sql, parameters)


def driver_rows(connection: Connection, sql: str, parameters: Sequence[Any]) -> list[Any]:
    """The rows of one statement in the driver's own SQL (``%s``, ``%b``: psycopg's),
    run on ``connection``'s transaction: for reads whose lists go in as one array
    parameter, where SQLAlchemy renders a bind (and on PostgreSQL a cast) per element."""
    with _driver_cursor(connection, sql, parameters) as cursor:
        cursor.execute(sql, parameters)
        return list(cursor.fetchall()) if cursor.description is not None else []


@contextmanager
def _driver_cursor(connection: Connection, sql: str, parameters: Any) -> Iterator[Any]:
    """A cursor of the transaction's driver connection, closed after use; the driver's
    errors are raised as SQLAlchemy raises them (``DBAPIError`` and its kinds)."""
    cursor = connection.connection.cursor()
    dialect = connection.dialect
    try:
        yield cursor
    except dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_raises(dialect, error, sql, parameters) from error
    finally:
        cursor.close()


def _as_sqlalchemy_raises(
    dialect: Dialect, error: Exception, sql: str, parameters: Any = None
) -> StatementError:
    """The driver's ``error`` as SQLAlchemy raises it (``DBAPIError`` and its kinds)."""
    return DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error, dialect=dialect)
