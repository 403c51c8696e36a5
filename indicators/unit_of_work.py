"""The one convention for database work: a service receives a ``UnitOfWork`` from its caller.

Pages get one from ``UnitOfWork.for_app()`` (the configured database), the CLI and the
tests build one from an engine. A service never finds a database by itself and never
opens a session on its own: it asks the unit of work for a transaction,

    with uow.write() as session:   # or uow.read()
        ...

and a service called inside that block with the same unit of work joins the open
transaction instead of starting a second one, so a permission check, a preview and the
write they guard see the same data and commit or roll back together.

A refusal is recorded in the audit trail even though the refused work is rolled back:
``record_refusal`` keeps it until the outermost transaction has ended and then writes it
in a transaction of its own.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db import crud
from db.engine import get_engine, session_scope


class UnitOfWork:
    """The database a service works in, one transaction at a time (not shared between threads)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._session: Optional[Session] = None
        self._writing = False
        self._refusals: list[dict] = []

    @classmethod
    def for_app(cls) -> "UnitOfWork":
        """The configured database (``DATABASE_URL`` or the embedded SQLite file)."""
        return cls(get_engine())

    @property
    def in_transaction(self) -> bool:
        return self._session is not None

    def read(self):
        return self.transaction(write=False)

    def write(self):
        return self.transaction(write=True)

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Session]:
        """Commit on success, roll back everything on any error. Inside an open transaction
        of this unit of work, join it (a write may not join a read: on SQLite the write lock
        is taken when a write transaction begins)."""
        if self._session is not None:
            if write and not self._writing:
                raise RuntimeError("a write cannot join a read transaction; open the write first")
            yield self._session
            return
        try:
            with session_scope(self.engine, write=write) as session:
                self._session, self._writing = session, write
                try:
                    yield session
                finally:
                    self._session, self._writing = None, False
        finally:
            self._write_refusals()

    def record_refusal(self, **audit) -> None:
        """An audit row (``crud.add_audit`` keywords) that must outlive a rollback."""
        self._refusals.append(audit)
        if self._session is None:
            self._write_refusals()

    def _write_refusals(self) -> None:
        pending, self._refusals = self._refusals, []
        if pending:
            with session_scope(self.engine, write=True) as session:
                for audit in pending:
                    crud.add_audit(session, **audit)
