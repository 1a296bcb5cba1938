"""Stand-ins for the remote services an operator may configure: real HTTP servers on 127.0.0.1
that speak the LibreTranslate and the OpenAI chat-completions APIs (no mock of our own code)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def chat_completion(content) -> dict:
    """An OpenAI chat-completions answer with ``content`` as the assistant's message."""
    return {"choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}]}


class FakeTranslationServer:
    """A LibreTranslate (``api="libretranslate"``) or OpenAI-compatible (``api="openai"``)
    server on 127.0.0.1, in a thread. Records every request; answers with the scripted
    responses in order (``script(...)``), then translates: ``"[<target>] <text>"``, or in
    openai mode answers ``reply(body)`` when a ``reply`` function is given."""

    def __init__(self, api: str = "libretranslate", reply=None):
        self.api = api
        self.reply = reply
        self.requests: list[dict] = []
        self._script: list[tuple[int, object, float]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw
                with server._lock:
                    server.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                    status, payload, delay = server._script.pop(0) if server._script else (200, None, 0)
                if delay:
                    time.sleep(delay)
                if payload is None:
                    payload = server.answer(body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout)
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def answer(self, body) -> dict:
        if self.api == "libretranslate":
            return {"translatedText": f"[{body['target']}] {body['q']}"}
        if self.reply is not None:
            return chat_completion(self.reply(body))
        target = body["messages"][0]["content"].split(" into ")[1].split(".")[0]
        return chat_completion(f"  [{target}] {body['messages'][1]['content']}\n")

    def script(self, *responses):
        """Queue responses: ``(status, json_or_bytes)`` or ``(status, json_or_bytes, delay_seconds)``;
        ``None`` as body means a normal translation."""
        for response in responses:
            status, payload, *rest = response
            self._script.append((status, payload, rest[0] if rest else 0))
        return self

    def reset(self):
        """Forget the recorded requests and the scripted responses."""
        with self._lock:
            self.requests.clear()
            self._script.clear()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
