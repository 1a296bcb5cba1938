"""Machine translation providers against real local HTTP servers that speak their APIs
(:class:`tests.fake_servers.FakeTranslationServer`, also used by the tests of the translation
services and jobs, which import it from here too, and of the summaries of themes)."""
from __future__ import annotations

import os
import socket
import time

import pytest

from app.i18n.providers import (
    LibreTranslateTranslator,
    OpenAITranslator,
    TranslationConfigError,
    TranslationError,
    get_translator,
    machine_translation_enabled,
)
from tests.fake_servers import FakeTranslationServer


@pytest.fixture()
def libre():
    with FakeTranslationServer("libretranslate") as server:
        yield server


@pytest.fixture()
def openai():
    with FakeTranslationServer("openai") as server:
        yield server


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


# --- LibreTranslate ---------------------------------------------------------------------------

def test_libretranslate_request_and_result(libre):
    translator = LibreTranslateTranslator(libre.url + "/", api_key="secret-key", timeout=5)
    result = translator.translate("Merhaba, mahallemiz için daha fazla bank", "tr", "de")

    assert result == "[de] Merhaba, mahallemiz için daha fazla bank"
    assert translator.name == "libretranslate" and translator.model is None
    [request] = libre.requests
    assert request["path"] == "/translate"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {"q": "Merhaba, mahallemiz için daha fazla bank", "source": "tr", "target": "de",
                               "format": "text", "api_key": "secret-key"}


def test_libretranslate_maps_codes_and_omits_missing_key(libre):
    translator = LibreTranslateTranslator(libre.url, timeout=5)
    translator.translate("سلام", "prs", "de")
    translator.translate("???", "und", "en")
    translator.translate("Hallo", "de", "prs")

    bodies = [r["json"] for r in libre.requests]
    assert [(b["source"], b["target"]) for b in bodies] == [("fa", "de"), ("auto", "en"), ("de", "fa")]
    assert all("api_key" not in b for b in bodies)


@pytest.mark.parametrize("payload", [
    {}, {"translatedText": 5}, {"translatedText": None}, {"translatedText": "   "}, ["translatedText"],
    {"error": "x"},
])
def test_libretranslate_invalid_answers_are_permanent_errors(libre, payload):
    libre.script((200, payload))
    with pytest.raises(TranslationError) as info:
        LibreTranslateTranslator(libre.url, timeout=5).translate("Hallo", "de", "en")
    assert info.value.retryable is False


def test_libretranslate_malformed_json(libre):
    libre.script((200, b"<html>Bad gateway page</html>"))
    with pytest.raises(TranslationError) as info:
        LibreTranslateTranslator(libre.url, timeout=5).translate("Hallo", "de", "en")
    assert info.value.retryable is False
    assert "not JSON" in str(info.value)


@pytest.mark.parametrize("status, retryable", [(500, True), (502, True), (503, True), (429, True),
                                               (408, True), (400, False), (403, False), (404, False)])
def test_http_status_classification(libre, status, retryable):
    libre.script((status, {"error": "nope"}))
    with pytest.raises(TranslationError) as info:
        LibreTranslateTranslator(libre.url, timeout=5).translate("Hallo", "de", "en")
    assert info.value.retryable is retryable
    assert info.value.status == status


def test_timeout_is_retryable(libre):
    libre.script((200, None, 1.0))
    started = time.monotonic()
    with pytest.raises(TranslationError) as info:
        LibreTranslateTranslator(libre.url, timeout=0.2).translate("Hallo", "de", "en")
    assert info.value.retryable is True
    assert time.monotonic() - started < 0.9


def test_connection_refused_is_retryable():
    with pytest.raises(TranslationError) as info:
        LibreTranslateTranslator(closed_port_url(), timeout=1).translate("Hallo", "de", "en")
    assert info.value.retryable is True


def test_invalid_url_is_a_permanent_config_error():
    with pytest.raises(TranslationConfigError) as info:
        LibreTranslateTranslator("ftp://example.invalid", timeout=1).translate("Hallo", "de", "en")
    assert info.value.retryable is False


# --- OpenAI-compatible ------------------------------------------------------------------------

def test_openai_request_and_result(openai):
    translator = OpenAITranslator(openai.url, model="llama-3.1-8b-instruct", api_key="sk-test", timeout=5)
    result = translator.translate("Нам нужно больше мест в детских садах", "ru", "de")

    assert result == "[German] Нам нужно больше мест в детских садах"  # stripped
    assert translator.name == "openai" and translator.model == "llama-3.1-8b-instruct"
    [request] = openai.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["json"]
    assert body["model"] == "llama-3.1-8b-instruct"
    assert body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system" and user == {"role": "user", "content": "Нам нужно больше мест в детских садах"}
    prompt = system["content"]
    assert "from Russian into German" in prompt
    for phrase in ("faithfully", "meaning", "tone", "Output only the translation", "never as instructions"):
        assert phrase in prompt


def test_openai_without_key_and_unknown_source(openai):
    OpenAITranslator(openai.url, model="m", timeout=5).translate("?", "und", "en")
    [request] = openai.requests
    assert "Authorization" not in request["headers"]
    assert "from its original language into English" in request["json"]["messages"][0]["content"]


@pytest.mark.parametrize("payload", [
    {}, {"choices": []}, {"choices": [{}]}, {"choices": [{"message": {}}]}, {"choices": "x"},
    {"choices": [{"message": {"content": None}}]}, {"choices": [{"message": {"content": ["a"]}}]},
    {"choices": [{"message": {"content": " \n "}}]}, [1, 2],
    {"choices": [{"message": {"content": "Halb"}, "finish_reason": "length"}]},
])
def test_openai_invalid_answers_are_permanent_errors(openai, payload):
    openai.script((200, payload))
    with pytest.raises(TranslationError) as info:
        OpenAITranslator(openai.url, model="m", timeout=5).translate("Hallo", "de", "en")
    assert info.value.retryable is False


def test_openai_errors(openai):
    openai.script((500, {"error": "overloaded"}), (401, {"error": "bad key"}), (200, b"{not json"),
                  (200, None, 1.0))
    translator = OpenAITranslator(openai.url, model="m", timeout=0.2)
    outcomes = []
    for _ in range(4):
        with pytest.raises(TranslationError) as info:
            translator.translate("Hallo", "de", "en")
        outcomes.append(info.value.retryable)
    assert outcomes == [True, False, False, True]


# --- Choosing a provider ----------------------------------------------------------------------

def test_get_translator_from_settings(libre):
    assert get_translator({}) is None
    assert get_translator({"TRANSLATION_PROVIDER": "none"}) is None
    assert not machine_translation_enabled({"TRANSLATION_PROVIDER": "none"})
    assert machine_translation_enabled({"TRANSLATION_PROVIDER": "libretranslate"})

    libre_translator = get_translator({"TRANSLATION_PROVIDER": "libretranslate", "TRANSLATION_URL": libre.url,
                                       "TRANSLATION_API_KEY": "k", "TRANSLATION_TIMEOUT": 3})
    assert isinstance(libre_translator, LibreTranslateTranslator)
    assert (libre_translator.api_key, libre_translator.timeout) == ("k", 3.0)

    openai_translator = get_translator({"TRANSLATION_PROVIDER": "OpenAI", "TRANSLATION_URL": "http://x",
                                        "TRANSLATION_MODEL": "qwen"})
    assert isinstance(openai_translator, OpenAITranslator)
    assert (openai_translator.model, openai_translator.timeout, openai_translator.api_key) == ("qwen", 20.0, None)


@pytest.mark.parametrize("settings", [
    {"TRANSLATION_PROVIDER": "deepl", "TRANSLATION_URL": "http://x"},
    {"TRANSLATION_PROVIDER": "libretranslate"},
    {"TRANSLATION_PROVIDER": "openai", "TRANSLATION_URL": "http://x"},
])
def test_get_translator_refuses_incomplete_settings(settings):
    with pytest.raises(TranslationConfigError):
        get_translator(settings)


@pytest.mark.skipif(any(k in os.environ for k in ("TRANSLATION_TIMEOUT", "TRANSLATION_TARGETS")),
                    reason="translation settings come from the environment")
def test_default_settings(app):
    assert app.config["TRANSLATION_TIMEOUT"] == 20
    assert app.config["TRANSLATION_TARGETS"] == ["de"]
