"""Calls to a remote service an operator configured: one JSON POST, errors classified, and the
OpenAI-compatible chat-completions API on top of it.

Used by machine translation (:mod:`app.i18n.providers`) and by the machine-written summaries of
themes (:mod:`app.analysis.abstracts`). Nothing here reads settings: each caller builds its client
from its own settings and names its own error classes (``error``, ``config_error``), so that its
callers catch what they know.

Every failure is a :class:`RemoteError`; its ``retryable`` flag tells a transient failure
(timeout, connection error, 5xx, 408/429) from a permanent one (other 4xx, an answer that is not
what the API promises, a configuration error).
"""
from __future__ import annotations

from typing import Any, Mapping

import httpx


class RemoteError(Exception):
    """A call that did not succeed. ``retryable`` is True when trying again later may succeed
    (timeouts, connection errors, server errors, rate limits)."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


class RemoteConfigError(RemoteError):
    """The settings of the service are incomplete, unknown or invalid (never retryable)."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False)


class JsonService:
    """One POST with a JSON body to ``url + path``, the answer's JSON back, every failure raised
    as ``error`` (or ``config_error`` for an address that cannot be used). ``name`` starts every
    message; ``url_setting`` names the setting of the address in messages."""

    name: str = "remote"
    url_setting: str = "URL"
    error: type[RemoteError] = RemoteError
    config_error: type[RemoteError] = RemoteConfigError

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 20.0):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _post(self, path: str, payload: dict, headers: dict | None = None) -> Any:
        try:
            response = httpx.post(self.url + path, json=payload, headers=headers or {}, timeout=self.timeout)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise self.config_error(f"{self.name}: invalid {self.url_setting} ({exc})") from exc
        except httpx.TimeoutException as exc:
            raise self.error(f"{self.name}: no answer within {self.timeout} s", retryable=True) from exc
        except httpx.HTTPError as exc:  # connection refused, reset, protocol errors ...
            raise self.error(f"{self.name}: {type(exc).__name__}: {exc}", retryable=True) from exc
        status = response.status_code
        if status >= 500 or status in (408, 429):
            raise self.error(f"{self.name}: HTTP {status}", retryable=True, status=status)
        if status >= 400:
            raise self.error(f"{self.name}: HTTP {status}: {excerpt(response.text)}", status=status)
        try:
            return response.json()
        except ValueError as exc:
            raise self.error(f"{self.name}: the answer is not JSON: {excerpt(response.text)}", status=status) from exc

    def _invalid(self, what: str) -> RemoteError:
        return self.error(f"{self.name}: unexpected answer ({what})")

    def _non_empty(self, text: str) -> str:
        text = text.strip()
        if not text:
            raise self.error(f"{self.name}: empty answer")
        return text


class ChatCompletions(JsonService):
    """An OpenAI-compatible chat-completions endpoint (``POST {url}/v1/chat/completions``) and a
    model; ``Authorization: Bearer`` with the key when there is one."""

    name = "openai"
    PATH = "/v1/chat/completions"

    def __init__(self, url: str, *, model: str, api_key: str | None = None, timeout: float = 20.0):
        super().__init__(url, api_key=api_key, timeout=timeout)
        self.model = model

    def complete(self, system: str, user: str, **options) -> str:
        """The assistant's answer (stripped, never empty) to a system and a user message;
        ``options`` (e.g. ``temperature``) go into the request as they are."""
        payload = {"model": self.model,
                   "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
                   **options}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        data = self._post(self.PATH, payload, headers)
        try:
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise self._invalid("no choices[0].message.content") from exc
        if not isinstance(content, str):
            raise self._invalid("content is not text")
        if isinstance(choice, dict) and choice.get("finish_reason") == "length":
            raise self.error(f"{self.name}: the answer was cut off (finish_reason=length)")
        return self._non_empty(content)


def provider_setting(config: Mapping[str, Any], prefix: str) -> str:
    """The value of ``{prefix}_PROVIDER``, lower-case; ``none`` when unset."""
    return (config.get(f"{prefix}_PROVIDER") or "none").strip().lower()


def configured_provider(config: Mapping[str, Any], prefix: str, providers: tuple[str, ...],
                        config_error: type[RemoteError] = RemoteConfigError) -> tuple[str, str] | None:
    """The provider and base URL the settings ``{prefix}_PROVIDER`` and ``{prefix}_URL`` choose, or
    None for ``none``; raises ``config_error`` for an unknown provider or a missing URL."""
    provider = provider_setting(config, prefix)
    if provider == "none":
        return None
    if provider not in providers:
        raise config_error(f"Unknown {prefix}_PROVIDER {provider!r}; use one of {providers}")
    url = config.get(f"{prefix}_URL")
    if not url:
        raise config_error(f"{prefix}_PROVIDER={provider} needs {prefix}_URL")
    return provider, url


def excerpt(text: str, limit: int = 200) -> str:
    """The start of a text on one line, for error messages."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"
