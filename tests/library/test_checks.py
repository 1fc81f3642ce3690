"""Fail closed when the French name model is missing (issue 15, item 8)."""

from __future__ import annotations

import importlib.util

import pytest
from django.core import checks
from django.core.management import call_command

from ati.library import anonymise
from ati.library import checks as library_checks


def test_the_deploy_check_reports_a_missing_french_model(monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == anonymise.NER_MODEL else real(name, *args, **kwargs)

    monkeypatch.setattr(library_checks.importlib.util, "find_spec", find_spec)
    errors = checks.run_checks(include_deployment_checks=True)
    ids = [e.id for e in errors]
    assert "library.E001" in ids
    error = errors[ids.index("library.E001")]
    assert error.level == checks.ERROR and "make install" in error.hint


def test_the_check_is_silent_when_the_model_is_installed_and_runs_only_with_deploy():
    assert library_checks.french_model_installed() == []
    assert "library.E001" not in [e.id for e in checks.run_checks()]


def test_require_french_model_fails_closed_and_says_how_to_install(monkeypatch):
    def missing():
        raise OSError("[E050] Can't find model 'fr_core_news_sm'")

    monkeypatch.setattr(anonymise, "_model_state", {})
    monkeypatch.setattr(anonymise, "load_french_model", missing)
    with pytest.raises(anonymise.ModelMissing, match=r"fr-core-news-sm.*make install"):
        anonymise.require_french_model()
    assert issubclass(anonymise.ModelMissing, RuntimeError)


def test_require_french_model_returns_the_loaded_model(monkeypatch):
    monkeypatch.setattr(anonymise, "_model_state", {"nlp": "the model"})
    assert anonymise.require_french_model() == "the model"


def test_the_command_reads_ocr_output_when_asked(tmp_path, capsys):
    source = tmp_path / "scan.txt"
    source.write_text("Tél : 06 12 A5 67 89\n", encoding="utf-8")
    call_command("anonymize", str(source), "--ocr", "--lang", "fr")
    assert capsys.readouterr().out == "Tél : [téléphone masqué]\n"
