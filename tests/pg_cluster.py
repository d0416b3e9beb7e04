"""A throwaway PostgreSQL cluster on a port of its own, for tests that stop the database.

The shared server on 5432 is never stopped; a test that needs an outage starts its own
cluster in a temporary folder (initdb, trust authentication, loopback only) and stops it by
its own ``pg_ctl``. PostgreSQL refuses to run as root, so as root the commands run as the
``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .server import free_port


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    return None


def available() -> bool:
    return _bin("initdb") is not None and _bin("pg_ctl") is not None


def _as_postgres(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        pg_ctl = _bin("pg_ctl")
        assert pg_ctl is not None
        subprocess.run(
            _as_postgres(pg_ctl, "-D", str(self.folder / "data"), "-w", "-t", "60", *args),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.folder / "server.log"), "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")


@contextmanager
def throwaway_postgres() -> Iterator[Cluster]:
    initdb = _bin("initdb")
    assert initdb is not None, "PostgreSQL's initdb is not installed"
    folder = Path(tempfile.mkdtemp(prefix="eligibility-pg-"))
    os.chmod(folder, 0o777)  # the postgres user writes its socket and log here
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    subprocess.run(
        _as_postgres(initdb, "-D", str(folder / "data"), "-A", "trust", "-U", "postgres"),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cluster = Cluster(folder, free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # the test stopped it
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
