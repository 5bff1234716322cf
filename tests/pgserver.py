"""A throwaway PostgreSQL cluster for the tests of team mode: initdb and pg_ctl on a Unix socket
in a temporary folder, run as an unprivileged user (the server refuses to run as root), stopped
and removed at the end. No TCP port is opened; clients connect through the socket with `trust`
authentication, so any role can be tried (what the server would otherwise authenticate).

`Cluster.start()` raises ClusterUnavailable, saying why, when the server cannot be started
(binaries missing, no unprivileged user to run it as): the fixture fails on that in CI and
skips with the reason elsewhere.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

# Debian's layout (package postgresql-NN); PATH is looked at too.
BIN_GLOB = "/usr/lib/postgresql/*/bin"
PG_USER = "segdesk-pg"  # made when running as root and it does not exist
PORT = 5432  # names the socket file only: the server listens on no TCP address


class ClusterUnavailable(RuntimeError):
    pass


def bin_dir() -> Path:
    for d in sorted(glob.glob(BIN_GLOB), key=lambda p: int(Path(p).parent.name), reverse=True):
        if (Path(d) / "initdb").exists():
            return Path(d)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise ClusterUnavailable("no PostgreSQL server found (initdb): install Debian's "
                             "`postgresql` package (./dev setup does, as root)")


def _server_user() -> str | None:
    """Who runs the server: None (this user) unless we are root, then an unprivileged one."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        try:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", PG_USER], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise ClusterUnavailable(f"running as root and cannot add the user {PG_USER} "
                                     f"to run PostgreSQL as: {exc}") from None
    return PG_USER


class Cluster:
    def __init__(self):
        self.bin = bin_dir()
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="segdesk-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root  # short path: a socket's path is limited to 107 bytes
        self.log = self.root / "server.log"

    @property
    def dsn(self) -> str:
        """The libpq string of the cluster's `postgres` database as its superuser."""
        return self.dsn_for("postgres")

    def dsn_for(self, user: str, dbname: str = "postgres") -> str:
        return f"host={self.socket_dir} port={PORT} dbname={dbname} user={user}"

    def url_for(self, user: str, dbname: str) -> str:
        """The same as a postgresql:// URL (the socket folder as the host, %-escaped)."""
        from urllib.parse import quote
        return f"postgresql://{user}@{quote(str(self.socket_dir), safe='')}:{PORT}/{dbname}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise ClusterUnavailable(f"{args[0]} failed ({done.returncode}): "
                                     f"{done.stderr.strip()[-1000:]} {log}")
        return done

    def start(self) -> "Cluster":
        if self.user:
            shutil.chown(self.root, self.user, self.user)
        self.root.chmod(0o755)  # clients of other users reach the socket
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        self.pg_ctl_start()
        return self

    def pg_ctl_start(self) -> None:
        # fsync off: a throwaway cluster; a server killed still leaves its files to the OS.
        options = (f"-k {self.socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off "
                   f"-c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: clients cut off; `immediate`: as after a crash) and start
        it again."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        self.pg_ctl_start()

    def stop_server(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def psql(self, sql: str, user: str = "postgres", dbname: str = "postgres") -> str:
        done = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-t", "-A", "-v",
                               "ON_ERROR_STOP=1", "-d", self.dsn_for(user, dbname), "-c", sql],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip())
        return done.stdout.strip()

    def stop(self) -> None:
        self.stop_server()
        shutil.rmtree(self.root, ignore_errors=True)
