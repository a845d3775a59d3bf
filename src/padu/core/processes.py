"""Run a few child processes together (the web server and the task worker) until one stops or
this process is told to stop; then stop them all. Used by `padu serve` and `padu demo`."""

import contextlib
import signal
import socket
import subprocess
import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


class _Stop(Exception):
    """SIGTERM (systemd's stop, `kill`): stop the children as Ctrl+C does."""


def _raise_stop(signum, frame):
    raise _Stop


def stop_children(children: list[subprocess.Popen], grace: float) -> None:
    """Let the children finish on their own for `grace` seconds, then terminate, then kill."""
    deadline = time.monotonic() + grace
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            # gunicorn gives running requests its graceful timeout (30 s) after SIGTERM.
            child.wait(timeout=35)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run_together(commands: dict[str, list[str]], env: dict[str, str]) -> tuple[str, int] | None:
    """Start each command; return (name, exit code) of the first that stops by itself, or None
    when this process was stopped (Ctrl+C or SIGTERM). Either way no child outlives the call."""
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    children: dict[str, subprocess.Popen] = {}
    grace = 0.0  # how long the children get to stop by themselves
    try:
        for name, argv in commands.items():
            children[name] = subprocess.Popen(argv, env=env)  # noqa: S603
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    return name, child.returncode
            time.sleep(0.5)
    except KeyboardInterrupt:
        # Ctrl+C in a terminal reached the whole process group: the children are stopping already.
        grace = 5.0
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_children(list(children.values()), grace)
    return None


def check_port_free(host: str, port: int) -> None:
    """Refuse before preparing anything when another program already listens on the port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                _(
                    "Cannot serve on %(host)s:%(port)d (%(error)s). "
                    "Stop what runs there or choose another --port."
                )
                % {"host": host, "port": port, "error": exc.strerror}
            ) from exc
