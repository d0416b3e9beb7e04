"""Drive Debian's headless Chromium through the Chrome DevTools Protocol, for browser tests.

A deliberately small client: start ``/usr/bin/chromium`` with an empty profile and a
debugging port, attach to its page over a WebSocket and send CDP commands (navigate,
evaluate JavaScript, type, press keys). No browser download, no Node.js.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

CHROMIUM = "/usr/bin/chromium"
# Flags for a headless run as root in a container: no sandbox (needs user namespaces), no
# GPU, and nothing that reaches the network on its own (updates, sync, QUIC probing).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
TIMEOUT = 30.0


class ChromiumMissing(RuntimeError):
    pass


class CDPError(RuntimeError):
    pass


def chromium_path() -> str:
    found = shutil.which("chromium") or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if found is None:
        raise ChromiumMissing(
            "Chromium is not installed: the rule-book browser test needs Debian's `chromium` "
            "package (`apt-get install -y chromium`; `make test` runs scripts/ensure-chromium, "
            "which installs it when run as root)."
        )
    return found


class Tab:
    """One page of the browser, addressed over its own DevTools WebSocket."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._next_id = 0
        self.events: list[dict[str, Any]] = []  # CDP events seen while awaiting replies

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ident = self._next_id
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = json.loads(self._ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") != ident:
                self.events.append(message)
                continue
            if "error" in message:
                raise CDPError(f"{method}: {message['error']}")
            result: dict[str, Any] = message.get("result", {})
            return result

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise CDPError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for: {expression}")
            time.sleep(0.05)

    def log_entries(self) -> list[str]:
        """Browser log messages (warnings and errors, e.g. a blocked script) seen so far."""
        return [
            f"{e['params']['entry']['level']}: {e['params']['entry']['text']}"
            for e in self.events
            if e.get("method") == "Log.entryAdded"
        ]

    def navigate(self, url: str) -> None:
        """Open ``url`` and wait until it has loaded and its scripts have run."""
        self.send("Page.navigate", url=url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def type_text(self, text: str) -> None:
        """Type into the focused element, as the keyboard would (fires ``input`` events)."""
        for char in text:
            self.send("Input.insertText", text=char)

    def press(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=key,
                windowsVirtualKeyCode=code,
            )

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


def _devtools_port(profile: Path, proc: subprocess.Popen[bytes], log: Path) -> int:
    """Chromium writes the port it chose into ``DevToolsActivePort`` in the profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if marker.exists():
            lines = marker.read_text().splitlines()
            if lines and lines[0].isdigit():
                return int(lines[0])
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"Chromium did not start:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def headless_chromium() -> Iterator[Tab]:
    """A fresh headless Chromium (new empty profile) and its first tab; closed afterwards."""
    binary = chromium_path()
    with tempfile.TemporaryDirectory(prefix="rulebook-chromium-") as tmp:
        profile = Path(tmp) / "profile"
        profile.mkdir()
        log = Path(tmp) / "chromium.log"
        with log.open("wb") as log_file:
            proc = subprocess.Popen(
                [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        try:
            port = _devtools_port(profile, proc, log)
            targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
            page = next(t for t in targets if t.get("type") == "page")
            with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10) as ws:
                tab = Tab(ws)
                tab.send("Page.enable")
                tab.send("Log.enable")  # CSP violations and load errors arrive as log entries
                yield tab
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
