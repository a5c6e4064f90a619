"""Fail loudly when the PostgreSQL or Redis the tests need is unreachable."""

import os
import sys

import environ
import psycopg2
import redis

db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
try:
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"] or None, host=db["HOST"] or None, port=db["PORT"] or None,
        password=db["PASSWORD"] or None, connect_timeout=5,
    )
    conn.close()
except Exception as e:  # noqa: BLE001
    sys.exit(f"PostgreSQL is unreachable at {db['HOST']}:{db['PORT']}: {e}")
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=5).ping()
except Exception as e:  # noqa: BLE001
    sys.exit(f"Redis is unreachable at {os.environ['REDIS_URL']}: {e}")
print("PostgreSQL and Redis are reachable.")
