"""Serve's local Prefect server, launched without importing Prefect (its server code alone
takes seconds to import: the app answers meanwhile).

`dossier serve` launches it from its main thread with a parent-death signal, so the kernel
ends it whenever serve ends, however serve ends, and does not wait for it. Its address
reaches every serving process through PREFECT_API_URL, with LOCAL_ENV saying that this is
serve's own server (routing stays in the app: workflows/runtime.py, local_api_url).
"""

from __future__ import annotations

import atexit
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from workflows.runtime import LOCAL_ENV

_PR_SET_PDEATHSIG = 1
# Looked up now: the child, between fork and exec, must not load anything.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
# Prefect's own ephemeral-server environment (prefect/server/api/server.py).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
              "PREFECT__SERVER_FINAL": "1"}


def end_with_parent() -> None:
    """In the child, before exec: SIGTERM when the thread that started it ends (Linux)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def start_server(port: int, env: Mapping[str, str]) -> subprocess.Popen:
    """Prefect's server command (as Prefect runs its ephemeral one), ending with this thread."""
    spec = importlib.util.find_spec("prefect")
    app_dir = Path(next(iter(spec.submodule_search_locations))).parent
    return subprocess.Popen(
        args=[sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
              "prefect.server.api.server:create_app", "--host", "127.0.0.1",
              "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        env={**env, **SERVER_ENV},
        preexec_fn=end_with_parent,  # only a prctl call: safe between fork and exec
    )


def launch_local_server() -> str | None:
    """Launch the local Prefect server without waiting for it; its API URL, also set as
    PREFECT_API_URL (and LOCAL_ENV) for this process and the processes it starts.

    Call it from the process's main thread (the parent-death signal follows the thread that
    starts the child). None when PREFECT_API_URL names a server or the local one is off.
    """
    if os.environ.get("PREFECT_API_URL") or os.environ.get(
            "PREFECT_SERVER_EPHEMERAL_ENABLED", "true").lower() in ("0", "false", "no"):
        return None
    port = _free_port()
    process = start_server(port, os.environ)
    atexit.register(_stop, process)
    url = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = os.environ[LOCAL_ENV] = url
    if "prefect.context" in sys.modules:  # Prefect read the environment when imported
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()
    return url


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _free_port() -> int:
    """A loopback port the kernel has just handed out (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
