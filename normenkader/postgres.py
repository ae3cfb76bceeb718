"""PostgreSQL as a second engine: a local server for tests and benchmarks, and the raw layer copied into it.

The loader stays on DuckDB (its CSV reader with `store_rejects` is the quarantine of unreadable lines, see
normenkader.load); `normenkader postgres sync` copies the raw layer of a loaded DuckDB warehouse into PostgreSQL
as it is (every raw table, `load_audit` and `load_rejects`, the load times included), after which
`dbt build --target demo_postgres` (or `postgres`) builds the same project there.

`normenkader postgres start` installs the server from Debian's packages when it is missing (apt-get, as root),
creates a cluster in a folder of the project (default data/postgres) owned by the `postgres` system user, and
starts it on loopback only. Nothing of a system-wide cluster is touched. Settings (profiles/profiles.yml reads the
same variables): NORMENKADER_PG_HOST (127.0.0.1), NORMENKADER_PG_PORT (55432), NORMENKADER_PG_USER (normenkader),
NORMENKADER_PG_PASSWORD (empty: trust on loopback, the local test server only), NORMENKADER_PG_DBNAME (normenkader).
"""

from __future__ import annotations

import glob
import os
import pwd
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from normenkader.debian import apt_install

DEFAULT_DATADIR = Path(os.environ.get("NORMENKADER_PG_DATADIR", "data/postgres"))
SERVER_PACKAGE = "postgresql"  # Debian's package of the supported major version (15 on bookworm)
OS_USER = "postgres"  # the server refuses to run as root; Debian's package creates this user

# DuckDB types of the raw layer and their PostgreSQL spelling
PG_TYPES = {"VARCHAR": "text", "DATE": "date", "BIGINT": "bigint", "INTEGER": "integer",
            "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz", "BOOLEAN": "boolean",
            "DOUBLE": "double precision"}


class PostgresError(Exception):
    """The local server cannot be installed, started or reached; the message says what to do."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 55432
    user: str = "normenkader"
    password: str = ""
    dbname: str = "normenkader"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(env.get("NORMENKADER_PG_HOST", cls.host), int(env.get("NORMENKADER_PG_PORT", cls.port)),
                   env.get("NORMENKADER_PG_USER", cls.user), env.get("NORMENKADER_PG_PASSWORD", cls.password),
                   env.get("NORMENKADER_PG_DBNAME", cls.dbname))

    def connect(self, dbname: str | None = None):
        import psycopg2  # installed with dbt-postgres

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password or None,
                                dbname=dbname or self.dbname)


def server_bin() -> Path | None:
    """The folder of pg_ctl/initdb of the newest installed server, or None when no server is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def install_server() -> Path:
    """Install the server from Debian's packages unless it is there; the folder of its programs."""
    if (found := server_bin()) is not None:
        return found
    if not apt_install(SERVER_PACKAGE):
        raise PostgresError("no PostgreSQL server is installed and this process cannot install one (needs root and "
                            f"apt-get): install Debian's `{SERVER_PACKAGE}` package, or point NORMENKADER_PG_* at a "
                            "running server and skip `normenkader postgres start`.")
    if (found := server_bin()) is None:
        raise PostgresError(f"apt-get installed {SERVER_PACKAGE} but no /usr/lib/postgresql/*/bin/pg_ctl exists")
    return found


def _as_server_user(cmd: list[str]) -> list[str]:
    """Run a server program as the postgres system user when this process is root (initdb refuses root)."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", OS_USER, "--", *cmd]


def start(datadir: Path = DEFAULT_DATADIR, settings: Settings | None = None, echo=print) -> Settings:
    """Install (if needed), initialise (if needed) and start a server on loopback; create user and database."""
    settings = settings or Settings.from_env()
    bindir = install_server()
    datadir = datadir.resolve()
    pg_ctl = str(bindir / "pg_ctl")
    if not (datadir / "PG_VERSION").exists():
        datadir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            pw = pwd.getpwnam(OS_USER)
            os.chown(datadir, pw.pw_uid, pw.pw_gid)
            if subprocess.run(_as_server_user(["test", "-w", str(datadir)])).returncode != 0:
                raise PostgresError(f"{datadir}: the `{OS_USER}` system user cannot reach this folder (a parent "
                                    "folder is closed to other users); set NORMENKADER_PG_DATADIR (or --datadir) to "
                                    "a folder under /tmp or /var/tmp")
        datadir.chmod(0o700)
        subprocess.run(_as_server_user([str(bindir / "initdb"), "--pgdata", str(datadir), "--auth", "trust",
                                        "--username", settings.user, "--encoding", "UTF8", "--locale", "C"]),
                       check=True, capture_output=True, text=True)
        echo(f"postgres: initialised a cluster in {datadir}")
    status = subprocess.run(_as_server_user([pg_ctl, "status", "--pgdata", str(datadir)]), capture_output=True,
                            text=True)
    if status.returncode != 0:
        # listen on loopback only; the socket in the data folder (the system's socket folder may not exist)
        options = (f"-c listen_addresses={settings.host} -c port={settings.port} "
                   f"-c unix_socket_directories={datadir} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c shared_buffers=512MB -c work_mem=64MB -c max_wal_size=4GB")
        proc = subprocess.run(_as_server_user([pg_ctl, "start", "--pgdata", str(datadir), "--wait", "--timeout",
                                               "60", "--log", str(datadir / "server.log"), "-o", options]),
                              capture_output=True, text=True)
        if proc.returncode != 0:
            log = (datadir / "server.log").read_text(errors="replace")[-2000:] if (datadir / "server.log").exists() \
                else ""
            raise PostgresError(f"pg_ctl start failed ({proc.returncode}): {proc.stderr.strip()}\n{log}")
        echo(f"postgres: started on {settings.host}:{settings.port} (data folder {datadir})")
    _wait(settings)
    con = settings.connect("postgres")
    con.autocommit = True  # create database cannot run in a transaction
    try:
        with con.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", [settings.dbname])
            if cur.fetchone() is None:
                cur.execute(f'create database "{settings.dbname}"')
    finally:
        con.close()
    return settings


def recreate_database(settings: Settings) -> None:
    """Drop and create the settings' database: a build from nothing (the benchmark's fresh warehouse)."""
    con = settings.connect("postgres")
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute(f'drop database if exists "{settings.dbname}" with (force)')
            cur.execute(f'create database "{settings.dbname}"')
    finally:
        con.close()


def _wait(settings: Settings, seconds: float = 30) -> None:
    import psycopg2

    deadline = time.monotonic() + seconds
    while True:
        try:
            settings.connect("postgres").close()
            return
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PostgresError(f"no PostgreSQL server answers on {settings.host}:{settings.port}: {exc}") \
                    from exc
            time.sleep(0.5)


def stop(datadir: Path = DEFAULT_DATADIR) -> None:
    """Stop the local server of datadir (no-op when it is not running)."""
    bindir = server_bin()
    datadir = datadir.resolve()
    if bindir is None or not (datadir / "PG_VERSION").exists():
        return
    subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "stop", "--pgdata", str(datadir), "--mode", "fast",
                                    "--wait"]), capture_output=True, text=True)


def sync_raw(db_path: Path, settings: Settings | None = None, schema: str = "raw", echo=print) -> dict[str, int]:
    """Replace PostgreSQL's raw schema by the raw layer of the DuckDB warehouse db_path; rows per table.

    Every table is recreated with the same columns (DuckDB types in their PostgreSQL spelling) and copied in CSV
    through COPY; NULL and the empty text stay apart (DuckDB quotes an empty text, COPY reads an unquoted empty
    field as NULL). The copy is one transaction: a failure leaves the previous raw layer in place.
    """
    settings = settings or Settings.from_env()
    counts: dict[str, int] = {}
    src = duckdb.connect(str(db_path), read_only=True)
    with src, settings.connect() as con, con.cursor() as cur:
        tables = [t for (t,) in src.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [schema]).fetchall()]
        if not tables:
            raise PostgresError(f"{db_path}: no tables in schema {schema} (load a delivery first)")
        cur.execute(f'drop schema if exists "{schema}" cascade')
        cur.execute(f'create schema "{schema}"')
        for table in tables:
            cols = src.execute("select column_name, data_type from information_schema.columns where table_schema = ? "
                               "and table_name = ? order by ordinal_position", [schema, table]).fetchall()
            unknown = sorted({t for _, t in cols if t not in PG_TYPES})
            if unknown:
                raise PostgresError(f"{schema}.{table}: no PostgreSQL type for DuckDB type(s) {unknown}")
            cur.execute(f'create table "{schema}"."{table}" ('
                        + ", ".join(f'"{c}" {PG_TYPES[t]}' for c, t in cols) + ")")
            tmp = Path(db_path).with_name(f".sync-{table}.csv")
            try:
                src.execute(f"copy \"{schema}\".\"{table}\" to '{tmp}' (format csv, header false)")
                with tmp.open("rb") as f:
                    cur.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv)', f)
            finally:
                tmp.unlink(missing_ok=True)
            counts[table] = src.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
        con.commit()
    echo(f"postgres: copied {len(tables)} raw tables, {sum(counts.values()):,} rows, into {settings.dbname}.{schema}")
    return counts
