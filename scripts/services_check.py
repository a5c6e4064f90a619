"""Fail loudly when the PostgreSQL or Redis the tests need is unreachable.

Also creates the database named in DATABASE_URL when it is missing: a clean machine has only the
``root``, ``postgres`` and ``test`` databases. (pytest-django creates ``test_<name>`` itself through
the ``postgres`` database, but ``makemigrations --check``, the benchmarks and ``make run`` on
PostgreSQL connect to ``<name>``.)
"""

import os
import sys

import environ
import psycopg2
import redis
from psycopg2 import sql

db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
if not db["ENGINE"].endswith("postgresql"):
    sys.exit(f"DATABASE_URL must point at PostgreSQL for the tests, not {db['ENGINE']}.")
params = dict(
    user=db["USER"] or None,
    host=db["HOST"] or None,
    port=db["PORT"] or None,
    password=db["PASSWORD"] or None,
    connect_timeout=5,
)
try:
    conn = psycopg2.connect(dbname="postgres", **params)
except Exception as e:  # noqa: BLE001
    sys.exit(
        f"PostgreSQL is unreachable at {db['HOST']}:{db['PORT']} (DATABASE_URL): {e}\n"
        "Start it (Debian: pg_ctlcluster 15 main start) or point make at another server: "
        "make test TEST_DATABASE_URL=postgres://user@host:5432/juwei"
    )
try:
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created database {db['NAME']}.")
except Exception as e:  # noqa: BLE001
    sys.exit(f"Cannot create database {db['NAME']} on {db['HOST']}:{db['PORT']}: {e}")
finally:
    conn.close()
redis_url = os.environ["REDIS_URL"]
try:
    redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
except Exception as e:  # noqa: BLE001
    sys.exit(
        f"Redis is unreachable at {redis_url} (REDIS_URL): {e}\n"
        "Start it (Debian: service redis-server start) or point make at another server: "
        "make test TEST_REDIS_URL=redis://host:6379/0"
    )
print(f"PostgreSQL ({db['HOST']}:{db['PORT']}/{db['NAME']}) and Redis ({redis_url}) are reachable.")
