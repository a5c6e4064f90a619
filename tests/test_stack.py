"""Smoke test: ``make run`` on the embedded default (SQLite, file-system broker, nothing set).

Starts the whole stack as a user would (install check, migrate, seed, periodic tasks, then web +
Celery worker + Celery beat under honcho), fetches the public board and the admin login, sends a
task through the embedded broker, then presses Ctrl-C (SIGINT to the process group) and checks that
all three processes and their children are gone.
"""

import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
# The real default demo (幸福社区, ~1,200 households): seeding it on SQLite took 1.4 s here.
START_TIMEOUT = 420  # install check + migrate + seed on SQLite, on a busy 2-core machine
UNSET = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    # We may be running under `make test`: the inner make must not inherit its flags.
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
}

pytestmark = pytest.mark.stack


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _group_members(pgid: int) -> list[int]:
    """Live processes whose process group is ``pgid`` (honcho starts each process in its own)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


class Stack:
    def __init__(self, var_dir: Path, port: int):
        self.port = port
        self.env = {k: v for k, v in os.environ.items() if k not in UNSET}
        self.env["PORTAL_VAR_DIR"] = str(var_dir)
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}", f"VENV={VENV}"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output())
            if match:
                return match
            if self.proc.poll() is not None:
                time.sleep(0.5)  # let the reader drain
                match = re.search(pattern, self.output())
                if match:
                    return match
                pytest.fail(f"make run exited with {self.proc.returncode}:\n{self.output()[-6000:]}")
            time.sleep(0.25)
        pytest.fail(f"timed out waiting for {pattern!r}:\n{self.output()[-6000:]}")

    def pids(self) -> dict[str, int]:
        return {name: int(pid) for name, pid in re.findall(r"(\w+)\.1 started \(pid=(\d+)\)", self.output())}

    def kill_everything(self):
        groups = [self.proc.pid, *self.pids().values()]
        for pgid in groups:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "zh-hans"})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def _login_and_open_admin(port: int, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    with opener.open(f"{base}/accounts/login/?next=/admin/", timeout=30) as resp:
        page = resp.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": username, "password": password, "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/"})
    with opener.open(request, timeout=30) as resp:
        assert resp.url.rstrip("/").endswith("/admin"), resp.url
        return resp.read().decode()


def test_make_run_serves_board_and_admin_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    stack = Stack(tmp_path / "var", port)
    try:
        stack.wait_for(rf"Juwei portal:\s+http://127\.0\.0\.1:{port}/", START_TIMEOUT)
        for name in ("web", "worker", "beat"):
            stack.wait_for(rf"{name}\.1 started \(pid=\d+\)", 60)
        stack.wait_for(r"worker\.1\s+\|.*\bready\.", 120)
        stack.wait_for(r"beat\.1\s+\|.*beat: Starting", 120)

        # The web server answers once runserver has bound the port.
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
                    status, ctype, body = resp.status, resp.headers["Content-Type"], resp.read().decode()
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert status == 200, body[:2000]
        assert ctype.startswith("text/html")
        assert "幸福社区" in body, body[:2000]  # the seeded demo community is on the board
        assert re.search(r'href="/c/xingfu/notices/\d+/"', body), body[:2000]  # with its postings

        status, headers, _ = _get(port, "/admin/login/")
        assert status == 302
        assert headers["Location"].startswith("/accounts/login/"), headers

        # The printed demo login of the chair works and opens the admin of 幸福社区.
        password = re.search(r"^\s*zhuren\s+(\S+)\s+主任", stack.output(), re.M).group(1)
        admin_page = _login_and_open_admin(port, "zhuren", password)
        assert "今日待办" in admin_page, admin_page[:2000]  # the work desk is the admin's front page
        assert 'href="/admin/committee/resident/"' in admin_page, admin_page[:2000]  # and the registry

        # A task sent through the embedded (file-system) broker is run by the stack's worker.
        send = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django, json; django.setup(); from portal.tasks import ping; "
                "print(json.dumps(ping.delay().get(timeout=60)))",
            ],
            cwd=ROOT,
            env={**stack.env, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert send.returncode == 0, send.stderr
        pong = json.loads(send.stdout.strip().splitlines()[-1])
        assert pong["database"] == str(tmp_path / "var" / "db.sqlite3")
        # The worker prints the sheets' QR codes: they point where this demo serves (honcho gives
        # the worker a PORT of its own, port + 100, which must not leak into the link).
        assert pong["site_url"] == f"http://127.0.0.1:{port}"
        stack.wait_for(r"worker\.1\s+\|.*Task portal\.tasks\.ping\[[^\]]+\] succeeded", 30)

        pids = stack.pids()
        assert set(pids) == {"web", "worker", "beat"}, stack.output()
        assert all(_alive(pid) for pid in pids.values())

        # Ctrl-C: the terminal sends SIGINT to the foreground process group.
        os.killpg(stack.proc.pid, signal.SIGINT)
        stack.proc.wait(timeout=60)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_group_members(pid) for pid in pids.values()):
            time.sleep(0.2)
        left = {name: _group_members(pid) for name, pid in pids.items()}
        assert not any(left.values()), f"still running after Ctrl-C: {left}\n{stack.output()[-3000:]}"
        assert "SIGINT received" in stack.output()
        assert "No hostname was supplied" not in stack.output()  # the embedded broker URL names its host
    finally:
        stack.kill_everything()
