"""Private RabbitMQ nodes and clusters for tests, beside (never touching) the shared broker on 5672.

A test that restarts, kills or clusters a broker starts its own nodes here:

    with private_node() as node:          # one node, AMQP on node.url
        node.stop_app(); node.start_app()
        node.kill(); node.start()

    with private_cluster(3) as nodes:     # three joined nodes, each with the same API
        ...

Each node gets its own name (``t<port>@localhost``), AMQP port, distribution port (port +
20000), CLI distribution ports, data, log and pid files under one temporary directory, an
empty plugin list and its own config (the system one names the shared listener on 5672). Ports
are reserved with a lock file held for the node's life, so parallel test runs never pick the
same ones. On leaving the context every node is stopped (killed if it will not stop) and its
directory removed, whether the test passed or not. Where rabbitmq-server is missing, or the
process cannot run it (the Debian wrappers need root or the rabbitmq user), the test is
skipped with the reason.

The methods block (each rabbitmqctl call takes about a second or more): from a coroutine, call
them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# The AMQP port is drawn from here; distribution is port + 20000, the CLI's own distribution
# ports port + 30000 .. + 10: all below 65536 and clear of the shared node's 5672/25672/35672.
PORT_RANGE = (21000, 25000)
DIST_OFFSET, CTL_DIST_OFFSET = 20000, 30000
MGMT_OFFSET = 10000  # the management API, for the nodes that enable it: 31000 .. 35000
START_TIMEOUT = 120.0
CTL_TIMEOUT = 120.0
LOCK_DIR = Path(tempfile.gettempdir()) / "volunteer-console-rabbit-ports"


class RabbitNodeError(RuntimeError):
    """A rabbitmqctl or rabbitmq-server call failed; the message carries its output."""


def unavailable_reason() -> str | None:
    """Why private nodes cannot run here, or None when they can."""
    for tool in ("rabbitmq-server", "rabbitmqctl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (private nodes need the rabbitmq-server package)"
    try:
        pwd.getpwnam("rabbitmq")
    except KeyError:
        return "there is no rabbitmq user (private RabbitMQ nodes run as it)"
    me = pwd.getpwuid(os.geteuid()).pw_name
    if me not in ("root", "rabbitmq"):
        return f"private RabbitMQ nodes need root or the rabbitmq user, not {me}"
    return None


def _port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _reserve_port() -> tuple[int, int]:
    """A port whose AMQP, distribution, management and CLI ports are free, and the fd of its
    held lock."""
    LOCK_DIR.mkdir(mode=0o777, parents=True, exist_ok=True)
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(*PORT_RANGE)
        fd = os.open(LOCK_DIR / f"{port}.lock", os.O_CREAT | os.O_RDWR, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        ctl = range(port + CTL_DIST_OFFSET, port + CTL_DIST_OFFSET + 11)
        wanted = [port, port + DIST_OFFSET, port + MGMT_OFFSET, *ctl]
        if all(_port_free(p) for p in wanted):
            return port, fd
        os.close(fd)
    raise RabbitNodeError("no free port range for a private RabbitMQ node")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not running (only possible for our own children)
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


class RabbitNode:
    """One private RabbitMQ node: its name, ports and files, and what a test does to it."""

    def __init__(self, base: Path, port: int, lock_fd: int, *, management: bool = False) -> None:
        self.base = base
        self.port = port
        self.management = management
        self.mgmt_port = port + MGMT_OFFSET
        self.dist_port = port + DIST_OFFSET
        self.name = f"t{port}@localhost"
        self.pid_file = base / "pid"
        self._lock_fd: int | None = lock_fd
        self.timings: dict[str, float] = {}

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def __repr__(self) -> str:
        return f"RabbitNode({self.name}, {self.url})"

    # -- setup -------------------------------------------------------------------------------

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.mgmt_port}/"

    @classmethod
    def create(cls, *, management: bool = False) -> RabbitNode:
        """Reserve the ports and write the node's files (nothing runs yet). With management,
        the node also serves the management HTTP API on 127.0.0.1 (port + 10000)."""
        port, fd = _reserve_port()
        base = Path(tempfile.mkdtemp(prefix=f"rabbit-{port}-"))
        node = cls(base, port, fd, management=management)
        try:
            node._write_files()
        except BaseException:
            node.remove()
            raise
        return node

    def _write_files(self) -> None:
        (self.base / "mnesia").mkdir()
        (self.base / "log").mkdir()
        plugins = "[rabbitmq_management]" if self.management else "[]"
        (self.base / "enabled_plugins").write_text(f"{plugins}.\n")
        # Only what a test needs: the AMQP listener on loopback (and the management API when
        # asked for), nothing from the system config.
        conf = (
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "log.console = false\n"
            "log.file.level = info\n"
        )
        if self.management:
            conf += f"management.tcp.port = {self.mgmt_port}\nmanagement.tcp.ip = 127.0.0.1\n"
        (self.base / "rabbitmq.conf").write_text(conf)
        # Empty: the system rabbitmq-env.conf would name the shared node.
        (self.base / "rabbitmq-env.conf").write_text("")
        self.base.chmod(0o755)
        rabbit = pwd.getpwnam("rabbitmq")
        if os.geteuid() == 0:
            for path in [self.base, *self.base.rglob("*")]:
                os.chown(path, rabbit.pw_uid, rabbit.pw_gid)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            RABBITMQ_NODENAME=self.name,
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_CTL_DIST_PORT_MIN=str(self.port + CTL_DIST_OFFSET),
            RABBITMQ_CTL_DIST_PORT_MAX=str(self.port + CTL_DIST_OFFSET + 10),
            RABBITMQ_MNESIA_BASE=str(self.base / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.base / "log"),
            RABBITMQ_PID_FILE=str(self.pid_file),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.base / "enabled_plugins"),
            RABBITMQ_CONFIG_FILE=str(self.base / "rabbitmq.conf"),
            RABBITMQ_CONF_ENV_FILE=str(self.base / "rabbitmq-env.conf"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        return env

    # -- control -----------------------------------------------------------------------------

    def ctl(self, *args: str, timeout: float = CTL_TIMEOUT) -> str:
        """Run ``rabbitmqctl -n NODE ARGS``; its output. Raises RabbitNodeError on failure."""
        cmd = ["rabbitmqctl", "-q", "-n", self.name, *args]
        try:
            done = subprocess.run(
                cmd, env=self.env(), capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise RabbitNodeError(f"{' '.join(cmd)} timed out after {timeout:g} s") from exc
        if done.returncode != 0:
            raise RabbitNodeError(
                f"{' '.join(cmd)} exited {done.returncode}: {done.stdout.strip()} "
                f"{done.stderr.strip()}"
            )
        return done.stdout

    def pid(self) -> int | None:
        """The node's VM pid from its pid file, or None when there is none."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def is_running(self) -> bool:
        pid = self.pid()
        return pid is not None and _pid_alive(pid)

    def start(self) -> float:
        """Start the node's VM (first start, or after kill/stop) and wait until the app runs."""
        began = time.monotonic()
        # A pid file left by a kill would make `wait` give up on the dead pid at once.
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()
        done = subprocess.run(
            ["rabbitmq-server", "-detached"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RabbitNodeError(
                f"rabbitmq-server -detached for {self.name} exited {done.returncode}: "
                f"{done.stdout.strip()} {done.stderr.strip()}"
            )
        try:
            self.ctl("wait", str(self.pid_file), "--timeout", str(int(START_TIMEOUT)))
        except RabbitNodeError as exc:
            raise RabbitNodeError(f"{exc}\n{self.log_tail()}") from exc
        return self._timed("start", began)

    def stop_app(self) -> float:
        """Stop the RabbitMQ application (connections close, the VM stays up)."""
        began = time.monotonic()
        self.ctl("stop_app")
        return self._timed("stop_app", began)

    def start_app(self) -> float:
        """Start the RabbitMQ application again and wait until it has booted."""
        began = time.monotonic()
        self.ctl("start_app")
        self.ctl("await_startup", "--timeout", str(int(START_TIMEOUT)))
        return self._timed("start_app", began)

    def kill(self) -> float:
        """SIGKILL the node's VM, as a crash or power loss would; returns once it is gone.

        Measured on RabbitMQ 3.10.8: a single node killed within a few seconds of declaring a
        quorum queue can come back with that queue leaderless (every consume on it times out
        after 65 s with INTERNAL_ERROR), even after the leader's election was logged; killed
        3 s or more after the declaration it recovered at once. Let a fresh quorum queue live
        a few seconds of real work before killing its node.
        """
        began = time.monotonic()
        pid = self.pid()
        if pid is None:
            raise RabbitNodeError(f"{self.name} has no pid file: is it running?")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _pid_alive(pid):
            if time.monotonic() > deadline:
                raise RabbitNodeError(f"{self.name} (pid {pid}) survived SIGKILL for 30 s")
            time.sleep(0.05)
        return self._timed("kill", began)

    def stop(self) -> float:
        """Stop the node cleanly (the VM exits); kill it if it will not stop."""
        began = time.monotonic()
        if self.is_running():
            try:
                self.ctl("stop", str(self.pid_file), timeout=60)
            except RabbitNodeError:
                if self.is_running():
                    self.kill()
        return self._timed("stop", began)

    def remove(self) -> None:
        """Stop whatever runs, delete the node's files and release its ports."""
        try:
            if self.is_running():
                try:
                    self.stop()
                except RabbitNodeError:
                    self.kill()
        finally:
            if not os.environ.get("RABBIT_NODE_KEEP"):
                shutil.rmtree(self.base, ignore_errors=True)
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    # -- cluster -----------------------------------------------------------------------------

    def join(self, other: RabbitNode) -> float:
        """Join other's cluster (stop_app; join_cluster; start_app)."""
        began = time.monotonic()
        self.ctl("stop_app")
        self.ctl("join_cluster", other.name)
        self.start_app()
        return self._timed("join", began)

    def running_nodes(self) -> list[str]:
        """The names of the cluster's running nodes, as this node sees them."""
        import json

        status = json.loads(self.ctl("cluster_status", "--formatter", "json"))
        return sorted(status.get("running_nodes", []))

    # -- diagnostics -------------------------------------------------------------------------

    def log_contains(self, text: str) -> bool:
        """Whether the node's log has a line containing text (the node writes it with a lag)."""
        for path in (self.base / "log").glob("*.log"):
            with contextlib.suppress(OSError):
                if text in path.read_text():
                    return True
        return False

    def wait_for_log(self, text: str, timeout: float = 60.0) -> None:
        """Wait until the node's log has a line containing text."""
        deadline = time.monotonic() + timeout
        while not self.log_contains(text):
            if time.monotonic() > deadline:
                raise RabbitNodeError(f"{self.name} did not log {text!r} in {timeout:g} s")
            time.sleep(0.1)

    def log_tail(self, lines: int = 30) -> str:
        logs = sorted((self.base / "log").glob("*.log"))
        out = []
        for path in logs:
            with contextlib.suppress(OSError):
                out.append(f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-lines:]))
        return "\n".join(out)

    def _timed(self, what: str, began: float) -> float:
        took = time.monotonic() - began
        self.timings[what] = took
        return took


def _skip_if_unavailable() -> None:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)


@contextlib.contextmanager
def private_node(*, management: bool = False) -> Iterator[RabbitNode]:
    """A started private node; stopped and removed afterwards, whatever happened."""
    _skip_if_unavailable()
    node = RabbitNode.create(management=management)
    try:
        node.start()
        yield node
    finally:
        node.remove()


@contextlib.contextmanager
def private_cluster(n: int = 3) -> Iterator[list[RabbitNode]]:
    """n started private nodes joined into one cluster (the first is the seed); all stopped
    and removed afterwards. ``cluster_timings`` on the first node holds the formation times."""
    _skip_if_unavailable()
    if n < 1:
        raise ValueError("a cluster has at least one node")
    nodes: list[RabbitNode] = []
    try:
        began = time.monotonic()
        for _ in range(n):
            nodes.append(RabbitNode.create())
        # The VMs boot one after the other: on two cores parallel boots only slow each other.
        for node in nodes:
            node.start()
        started = time.monotonic()
        for node in nodes[1:]:
            node.join(nodes[0])
        joined = time.monotonic()
        expected = sorted(node.name for node in nodes)
        deadline = time.monotonic() + START_TIMEOUT
        while nodes[0].running_nodes() != expected:
            if time.monotonic() > deadline:
                raise RabbitNodeError(f"cluster did not form: {nodes[0].running_nodes()}")
            time.sleep(0.5)
        nodes[0].timings.update(
            cluster_start=started - began, cluster_join=joined - started, cluster=joined - began
        )
        yield nodes
    finally:
        # Stop the followers first so the seed does not wait on them; a failure in one
        # removal must not leave the others running.
        for node in reversed(nodes):
            with contextlib.suppress(Exception):
                node.remove()
