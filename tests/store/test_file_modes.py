"""The embedded SQLite database holds health data (encrypted fields, but also who asked what
and when): its file, WAL and shared-memory index are readable by the service's user only,
like the key file beside them, whatever the umask of the process that created them."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import httpx

from eligibility_service.store.database import open_engine
from tests.server import running_service, service_env
from tests.tokens import bearer

CASE = Path(__file__).resolve().parents[2] / "examples" / "cases" / "state-new-hire.json"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_and_shm_are_0600_after_the_service_logged_a_decision(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with running_service(env=service_env(data)) as base:
        headers = bearer(data)
        answered = httpx.post(
            f"{base}/v1/decisions/new-hire-enrollment",
            json=json.loads(CASE.read_text()),
            headers=headers,
            timeout=30,
        )
        assert answered.status_code == 200, answered.text
        decision_id = answered.headers["Decision-Id"]
        deadline = time.monotonic() + 30
        while True:  # the decision is in the database (so the WAL has been written)
            logged = httpx.get(f"{base}/v1/decision-log/decisions/{decision_id}", headers=headers)
            if logged.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert logged.status_code == 200, logged.text
        database = data / "eligibility.sqlite3"
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        modes = {p.name: oct(_mode(p)) for p in files}  # read while the service holds them open
    assert modes == {p.name: "0o600" for p in files}
    assert _mode(data / "store.key") == 0o600  # the rule the database now follows


def test_an_existing_database_too_open_is_narrowed_when_opened(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)  # made by an earlier version, with the umask's bits
    engine = open_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.commit()
        assert _mode(database) == 0o600
        assert _mode(Path(f"{database}-wal")) == 0o600
    engine.dispose()
