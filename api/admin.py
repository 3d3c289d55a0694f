"""Administration commands: ``python -m api.admin create-token --role hr``.

The database comes from ``DATABASE_URL`` / ``ROSTER_DATABASE_URL`` like the server's.
"""

from __future__ import annotations

import argparse
import sys

from api.db import make_engine, migrate, session_factory
from api.errors import ApiError
from api.security import issue_token
from api.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.admin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ct = sub.add_parser("create-token", help="issue a token and print it (shown once)")
    ct.add_argument("--role", required=True, choices=["hr", "head", "portal"])
    ct.add_argument("--name", default="")
    ct.add_argument("--site", dest="site_id")
    ct.add_argument("--unit", dest="unit_id")
    sub.add_parser("migrate", help="bring the database to the newest schema")
    args = parser.parse_args(argv)

    settings = get_settings()
    engine = make_engine(settings)
    migrate(engine)
    if args.command == "migrate":
        print("database is up to date")
        return 0
    with session_factory(engine)() as session:
        try:
            row, token = issue_token(
                session,
                args.role,
                args.name or f"{args.role} (cli)",
                args.site_id,
                args.unit_id,
                created_by="cli",
            )
        except ApiError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 2
    print(token)
    print(
        f"token id {row.id}, role {row.role}"
        + (f", site {row.site_id}, unit {row.unit_id}" if row.site_id else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
