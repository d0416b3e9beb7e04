"""``eligibility access-records``: search the record of access to health data, for auditors.

The same search as ``GET /v1/access-records``, read straight from the store (so it needs
the database's credentials, not a token, and is not itself recorded there: the database's
own log is the trace of who used its credentials). Text is one line per record, tab-separated,
for reading and ``grep``; JSON is the API's page (``records``, ``more``), for tools.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
import orjson

from ..access_log.queries import AccessQuery, parse_instant, search
from ..access_log.record import Action, Kind, Outcome
from .store_access import database_option, store_for


def _instant(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 date-time or date; no zone means UTC. Errors never repeat the value."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _line(record: dict[str, Any]) -> str:
    """at, client, action, outcome, status, type:ids, count, route, request id, detail."""
    client = record["client_id"] + (f" ({record['caller']})" if record["caller"] else "")
    detail = ",".join(f"{k}={str(v).lower()}" for k, v in record["detail"].items())
    return "\t".join(
        [
            record["at"],
            client,
            record["action"],
            record["outcome"],
            str(record["status"]),
            f"{record['resource_type']}:{','.join(record['resource_ids']) or '-'}",
            f"count={record['resource_count']}",
            f"{record['method']} {record['route']}",
            record["request_id"] or "-",
            detail or "-",
        ]
    )


@click.command("access-records")
@click.option("--client-id", default=None, help="Only this client's accesses.")
@click.option("--action", type=click.Choice([a.value for a in Action]), help="Only this operation.")
@click.option("--kind", type=click.Choice([k.value for k in Kind]))
@click.option("--outcome", type=click.Choice([o.value for o in Outcome]))
@click.option("--resource-id", default=None, help="Only accesses to this decision, suite or run.")
@click.option("--since", callback=_instant, help="At or after (ISO 8601; no zone: UTC).")
@click.option("--until", callback=_instant, help="Before (ISO 8601).")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True, help="At most."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@database_option
def access_records(
    client_id: str | None,
    action: str | None,
    kind: str | None,
    outcome: str | None,
    resource_id: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    fmt: str,
    database_url: str | None,
) -> None:
    """Who read or wrote health data through the API, when, which ids, how it ended
    (oldest first). Exits 0 also when nothing matches."""
    if since is not None and until is not None and until <= since:
        raise click.BadParameter("must be later than --since", param_hint="--until")
    query = AccessQuery(
        client_id=client_id,
        action=Action(action) if action else None,
        kind=Kind(kind) if kind else None,
        outcome=Outcome(outcome) if outcome else None,
        resource_id=resource_id,
        since=since,
        until=until,
        limit=limit,
    )
    page = search(store_for(database_url), query)
    records = [r.as_dict() for r in page.records]
    if fmt == "json":
        click.echo(orjson.dumps({"records": records, "more": page.more}).decode())
        return
    for record in records:
        click.echo(_line(record))
    if page.more:
        click.echo(f"... more than {limit} match: narrow the window or raise --limit", err=True)
    if not records:
        click.echo("no access records match", err=True)


COMMANDS = [access_records]
