"""A fresh team database on the test cluster (tests/pgserver.py): made with segdesk's schema,
the desk's group role and three analysts (ann, bob, sue) with the README's GRANTs."""
from __future__ import annotations

import itertools
import re

from segdesk.store import team

ROLES = ("ann", "bob", "sue")
_count = itertools.count(1)


class TeamDb:
    def __init__(self, cluster, test_name: str):
        self.cluster = cluster
        self.name = f"t{next(_count)}_" + re.sub(r"[^a-z0-9]+", "_", test_name.lower())[:40]
        cluster.psql(f"CREATE DATABASE {self.name}")
        roles = "".join(f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') THEN "
                        f"CREATE ROLE {r} LOGIN IN ROLE {team.DESK_ROLE}; END IF; "
                        for r in ROLES)
        cluster.psql(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                     f"'{team.DESK_ROLE}') THEN CREATE ROLE {team.DESK_ROLE}; END IF; "
                     f"{roles} END $$")
        team.connect(self.dsn("postgres")).close()  # the owner makes the tables
        cluster.psql(team.GRANTS, dbname=self.name)

    def dsn(self, role: str = "ann") -> str:
        """The libpq string for `role` on this database."""
        return self.cluster.dsn_for(role, self.name)

    def url(self, role: str = "ann") -> str:
        return self.cluster.url_for(role, self.name)

    def sql(self, query: str, role: str = "postgres") -> str:
        return self.cluster.psql(query, user=role, dbname=self.name)

    def drop(self) -> None:
        self.cluster.psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
