"""The one settings object: README and code agree, values come from the environment once,
bad values are named, and nothing else reads the environment."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

import settings as settings_module
from indicators.rules.status import DEFAULT_RULE, StatusRule, rule_from_settings
from indicators.sources import kolada
from settings import PROJECT_ROOT, Settings, SettingsError, env_name, get_settings, reload_settings

ROOT = Path(__file__).resolve().parent.parent
ENV_NAMES = [env_name(name) for name in Settings.model_fields]


@pytest.fixture
def clean_env(monkeypatch):
    """No configuration variable set (the suite's own DATABASE_URL included)."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    reload_settings()
    return monkeypatch


# --- README ------------------------------------------------------------------------------

def readme_table() -> dict[str, str]:
    """{variable: default} from the table in the README's "## Configuration" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) < 3 or cells[0] == "variable" or set(cells[0]) <= set("-: "):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        assert len(names) == 1 and cells[0] == f"`{names[0]}`", f"one variable per row: {line}"
        assert names[0] not in rows, f"{names[0]} is documented twice"
        rows[names[0]] = cells[1]
    return rows


def documented(default: str) -> str:
    """The documented default as plain text: `x` → x, (empty) → ''."""
    default = default.strip()
    if default.lower() in ("(empty)", "", "–", "-"):
        return ""
    assert default.startswith("`") and default.endswith("`"), f"default not in backticks: {default}"
    return default[1:-1]


def as_text(value) -> str:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(value)
    return str(value)


def same(name: str, shown: str, default) -> bool:
    if name == "DATABASE_URL" and shown.startswith("sqlite:///") and not shown.startswith("sqlite:////"):
        shown = f"sqlite:///{PROJECT_ROOT / shown.removeprefix('sqlite:///')}"  # shown relative to the project
    if isinstance(default, bool):
        return shown.lower() == as_text(default)
    if isinstance(default, (int, float)):
        try:
            return float(shown) == float(default)
        except ValueError:
            return False
    return shown == as_text(default)


def test_readme_lists_exactly_the_settings():
    documented_names, settings_names = set(readme_table()), set(ENV_NAMES)
    assert documented_names == settings_names, (
        f"not in the README: {sorted(settings_names - documented_names)}; "
        f"not in settings.py: {sorted(documented_names - settings_names)}")


def test_readme_defaults_are_the_settings_defaults():
    table = readme_table()
    wrong = {}
    for field_name, field in Settings.model_fields.items():
        name = env_name(field_name)
        if name in table and not same(name, documented(table[name]), field.default):
            wrong[name] = (table[name], field.default)
    assert not wrong, f"README and settings.py disagree (README, code): {wrong}"


def test_table_comparison_notices_a_difference():
    assert same("UPPFOLJNING_JUMP_FACTOR", "1.5", 1.5) and not same("UPPFOLJNING_JUMP_FACTOR", "2", 1.5)
    assert same("UPPFOLJNING_SMTP_STARTTLS", "true", True) and not same("UPPFOLJNING_SMTP_STARTTLS", "false", True)
    assert same("DATABASE_URL", "sqlite:///data/uppfoljning.db", settings_module.DEFAULT_DATABASE_URL)
    assert not same("DATABASE_URL", "sqlite:///data/other.db", settings_module.DEFAULT_DATABASE_URL)
    assert same("KOLADA_COMPARE", "0000", ("0000",)) and not same("KOLADA_COMPARE", "0000,0584", ("0000",))


# --- values ------------------------------------------------------------------------------

def test_defaults(clean_env):
    s = get_settings()
    assert s.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'uppfoljning.db'}"
    assert (s.suppress_below, s.jump_factor) == (5, 1.5)
    assert rule_from_settings(s) == DEFAULT_RULE  # StatusRule's own defaults agree with the settings
    assert (s.kolada_base_url, s.kolada_municipality, s.kolada_compare) == ("https://api.kolada.se/v3/", "0583", ("0000",))
    assert (s.smtp_host, s.smtp_port, s.smtp_starttls, s.smtp_user, s.smtp_sender) == ("", 587, True, "", "")
    assert s.smtp_password.get_secret_value() == "" and not s.smtp_enabled


def test_values_come_from_the_environment(clean_env):
    for name, value in {
        "DATABASE_URL": "sqlite:////tmp/x.db", "UPPFOLJNING_SUPPRESS_BELOW": "3", "UPPFOLJNING_ON_TRACK": "0.9",
        "UPPFOLJNING_AT_RISK": "0.4", "UPPFOLJNING_MAINTAIN_TOLERANCE": "0.1", "UPPFOLJNING_TREND_TOLERANCE": "0.02",
        "UPPFOLJNING_JUMP_FACTOR": "2", "KOLADA_BASE_URL": "http://kolada.test/v3", "KOLADA_MUNICIPALITY": " 0584 ",
        "KOLADA_COMPARE": " 0000, 0583,,0584,0000", "UPPFOLJNING_SMTP_HOST": "smtp.exempel.invalid",
        "UPPFOLJNING_SMTP_PORT": "25", "UPPFOLJNING_SMTP_STARTTLS": "false", "UPPFOLJNING_SMTP_USER": "u",
        "UPPFOLJNING_SMTP_PASSWORD": "hemligt", "UPPFOLJNING_SMTP_SENDER": "noreply@exempel.invalid",
    }.items():
        clean_env.setenv(name, value)
    reload_settings()
    s = get_settings()
    assert s.database_url == "sqlite:////tmp/x.db"
    assert s.suppress_below == 3 and s.jump_factor == 2.0
    assert rule_from_settings() == StatusRule(on_track=0.9, at_risk=0.4, maintain_tolerance=0.1, trend_tolerance=0.02)
    # Kolada keeps its parsing: a final '/', stripped id, list without blanks, duplicates or the own municipality
    assert (kolada.base_url(), kolada.municipality_id(), kolada.compare_ids()) == (
        "http://kolada.test/v3/", "0584", ["0000", "0583"])
    assert s.smtp_enabled and (s.smtp_host, s.smtp_port, s.smtp_starttls) == ("smtp.exempel.invalid", 25, False)
    assert (s.smtp_user, s.smtp_sender) == ("u", "noreply@exempel.invalid")
    assert s.smtp_password.get_secret_value() == "hemligt" and "hemligt" not in repr(s)


def test_empty_variable_means_default(clean_env):
    for name in ("DATABASE_URL", "UPPFOLJNING_JUMP_FACTOR", "KOLADA_BASE_URL", "KOLADA_MUNICIPALITY", "KOLADA_COMPARE"):
        clean_env.setenv(name, "")
    reload_settings()
    s = get_settings()
    assert s.database_url == settings_module.DEFAULT_DATABASE_URL and s.jump_factor == 1.5
    assert (kolada.base_url(), kolada.municipality_id(), kolada.compare_ids()) == ("https://api.kolada.se/v3/", "0583", ["0000"])


def test_own_municipality_is_never_a_comparison(clean_env):
    clean_env.setenv("KOLADA_MUNICIPALITY", "0000")
    reload_settings()
    assert kolada.compare_ids() == []


def test_whole_number_threshold_as_before(clean_env):
    clean_env.setenv("UPPFOLJNING_SUPPRESS_BELOW", "7.9")  # int(float(...)), as the old reader did
    reload_settings()
    assert get_settings().suppress_below == 7


@pytest.mark.parametrize("name, value", [
    ("UPPFOLJNING_JUMP_FACTOR", "abc"), ("UPPFOLJNING_SUPPRESS_BELOW", "fem"), ("UPPFOLJNING_SMTP_PORT", "smtp"),
    ("UPPFOLJNING_SMTP_STARTTLS", "kanske"), ("UPPFOLJNING_ON_TRACK", "95 %"),
])
def test_bad_value_stops_with_the_variable_named(clean_env, name, value):
    clean_env.setenv(name, value)
    reload_settings()
    with pytest.raises(SettingsError, match=f"Ogiltig inställning {name}='{re.escape(value)}'"):
        get_settings()


def test_bad_password_value_is_not_shown():
    with pytest.raises(SettingsError) as caught:
        Settings(smtp_password=12345)
    assert "UPPFOLJNING_SMTP_PASSWORD" in str(caught.value) and "12345" not in str(caught.value)


def test_cli_names_a_bad_variable(clean_env, capsys):
    import cli

    clean_env.setenv("UPPFOLJNING_JUMP_FACTOR", "abc")
    reload_settings()
    assert cli.main(["check"]) == 2
    assert "UPPFOLJNING_JUMP_FACTOR" in capsys.readouterr().err


def test_read_once_until_reload(clean_env):
    first = get_settings()
    clean_env.setenv("UPPFOLJNING_JUMP_FACTOR", "3")
    assert get_settings() is first and get_settings().jump_factor == 1.5  # cached: read once
    reload_settings()
    assert get_settings() is not first and get_settings().jump_factor == 3.0


def test_settings_are_frozen(clean_env):
    with pytest.raises(Exception):
        get_settings().jump_factor = 3.0


def test_database_fixture_reaches_the_settings(db_url):
    assert get_settings().database_url == db_url


# --- nothing else reads the environment ---------------------------------------------------

EXCLUDED = {"tests", ".venv", "venv", ".git", "node_modules", "data"}
# The benchmark harnesses set the environment of the servers and AppTest runs they start.
EXCLUDED_FILES = {"settings.py", "benchmark.py", "benchmark_browser.py", "loadtest.py"}
ENV_READ = re.compile(r"\bos\.environ\b|\bgetenv\b|\bfrom os import\b[^\n]*\benviron\b")


def project_sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not EXCLUDED & set(p.relative_to(ROOT).parts[:-1]) and p.relative_to(ROOT).as_posix() not in EXCLUDED_FILES)


def test_only_settings_reads_the_environment():
    sources = project_sources()
    assert ROOT / "db" / "engine.py" in sources and ROOT / "indicators" / "sources" / "kolada.py" in sources
    readers = [f"{p.relative_to(ROOT)}:{n}" for p in sources
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if ENV_READ.search(line)]
    assert not readers, f"read the environment outside settings.py: {readers}"


def test_settings_is_the_lowest_layer():
    text = (ROOT / "settings.py").read_text(encoding="utf-8")
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", text, flags=re.MULTILINE)
    assert not [m for m in imports if m.split(".")[0] in {"db", "indicators", "seed", "ui", "pages", "app", "cli",
                                                             "bootstrap", "benchmark"}]
