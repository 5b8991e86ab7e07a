"""Database triggers that make the audit log append-only, whatever code runs against it."""

from __future__ import annotations

from typing import Any

INSTALL = {
    "sqlite": [
        # REPLACE INTO (and INSERT OR REPLACE) deletes the row it replaces without firing
        # delete triggers (unless recursive_triggers is on): refuse any insert that reuses an
        # existing id, before the conflict is resolved.
        """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_replace BEFORE INSERT ON core_auditevent
           WHEN EXISTS (SELECT 1 FROM core_auditevent WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
        """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
        """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
        "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
        """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
           FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();""",
        # TRUNCATE fires no row trigger: it needs a statement trigger of its own.
        "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
        """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
           FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse();""",
    ],
}
UNINSTALL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditevent_no_replace;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
        "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
        "DROP FUNCTION IF EXISTS core_auditevent_refuse();",
    ],
}


def _run(connection: Any, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def install(connection: Any) -> None:
    _run(connection, INSTALL)


def uninstall(connection: Any) -> None:
    """Only for throwaway test databases that must be emptied between tests."""
    _run(connection, UNINSTALL)
