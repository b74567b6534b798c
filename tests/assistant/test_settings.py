"""Settings: course.toml, then the standard environment variables; errors name what to set."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hocso.assistant.errors import AssistantSettingsError
from hocso.assistant.settings import PLACEHOLDER_KEY, resolve_settings
from hocso.config import AssistantSettings


def test_default_is_offline_and_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    resolved = resolve_settings(AssistantSettings())
    assert resolved.backend == "offline" and resolved.base_url is None and resolved.api_key is None


def test_openai_base_url_env_switches_to_that_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://192.168.1.20:11434/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("HOCSO_ASSISTANT_MODEL", "qwen2.5:3b")
    resolved = resolve_settings(AssistantSettings())
    assert resolved.backend == "openai"
    assert resolved.base_url == "http://192.168.1.20:11434/v1"
    assert resolved.model == "qwen2.5:3b"
    assert resolved.api_key == PLACEHOLDER_KEY  # a LAN server needs no real key


def test_public_endpoint_without_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("MY_KEY", raising=False)
    with pytest.raises(AssistantSettingsError) as error:
        resolve_settings(AssistantSettings(backend="openai", api_key_env="MY_KEY"))
    assert "MY_KEY is not set" in str(error.value)
    assert 'backend = "offline"' in str(error.value)


def test_describe_names_keys_but_never_shows_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-123")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    resolved = resolve_settings(AssistantSettings(backend="openai"))
    described = resolved.describe()
    assert described["api_key_set"] is True and described["api_key_env"] == "OPENAI_API_KEY"
    assert "sk-secret" not in json.dumps(described) and "sk-secret" not in repr(resolved)


def test_cli_settings_and_ask(monkeypatch: pytest.MonkeyPatch, repo_root) -> None:
    from hocso.cli import cli

    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-123")
    runner = CliRunner()
    shown = runner.invoke(cli, ["assistant", "settings", "--course", str(repo_root)])
    assert shown.exit_code == 0 and "sk-secret" not in shown.output and '"backend": "offline"' in shown.output
    asked = runner.invoke(
        cli, ["assistant", "ask", "--language", "en", "--course", str(repo_root), "What is a deepfake?"]
    )
    assert asked.exit_code == 0 and "Module m11" in asked.output


def test_ask_shows_a_settings_mistake_as_a_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    from hocso.assistant import notebook

    monkeypatch.setattr(notebook, "_assistant", None)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://llm.example.com/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    reply = notebook.ask("hello", language="en")
    assert reply.backend == "none"
    assert "OPENAI_API_KEY is not set" in reply.text


def test_cli_exports_the_opt_in_log(tmp_path, course) -> None:
    from hocso.assistant import Assistant
    from hocso.cli import cli

    Assistant(course=course, settings=course.assistant.model_copy(update={"log_conversations": True})).ask(
        "mã OTP 483920 là gì"
    )
    result = CliRunner().invoke(cli, ["assistant", "export-log", str(tmp_path / "log.jsonl")])
    assert result.exit_code == 0 and result.output.startswith("1 ->")
    assert "483920" not in (tmp_path / "log.jsonl").read_text(encoding="utf-8")
