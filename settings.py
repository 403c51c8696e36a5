"""All configuration, read from the environment once (documented in the README, "Configuration").

This is the lowest layer: it imports nothing from the project. Every other module asks
``get_settings()`` and never reads ``os.environ`` itself. The object is built on first use
and cached; ``reload_settings()`` reads the environment again (tests, or a command that
changes the environment).

An empty variable counts as unset (its default applies), as before. A value that cannot be
parsed (``UPPFOLJNING_JUMP_FACTOR=abc``) stops the start with a ``SettingsError`` that names
the variable, instead of silently using the default.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'uppfoljning.db'}"


class SettingsError(ValueError):
    """A configured value is invalid; the message names the environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=True,  # environment names are exact, as with os.environ
        env_ignore_empty=True,  # VAR= means "use the default", as before
        populate_by_name=True,  # Settings(jump_factor=2.0) in tests
        frozen=True,  # one shared object: nobody changes it behind the others' backs
        extra="ignore",
    )

    # --- database -----------------------------------------------------------------------
    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")

    # --- status rule, suppression, plausibility -------------------------------------------
    suppress_below: int = Field(5, validation_alias="UPPFOLJNING_SUPPRESS_BELOW")
    on_track: float = Field(0.95, validation_alias="UPPFOLJNING_ON_TRACK")
    at_risk: float = Field(0.5, validation_alias="UPPFOLJNING_AT_RISK")
    maintain_tolerance: float = Field(0.05, validation_alias="UPPFOLJNING_MAINTAIN_TOLERANCE")
    trend_tolerance: float = Field(0.01, validation_alias="UPPFOLJNING_TREND_TOLERANCE")
    jump_factor: float = Field(1.5, validation_alias="UPPFOLJNING_JUMP_FACTOR")

    # --- Kolada ---------------------------------------------------------------------------
    kolada_base_url: str = Field("https://api.kolada.se/v3/", validation_alias="KOLADA_BASE_URL")
    kolada_municipality: str = Field("0583", validation_alias="KOLADA_MUNICIPALITY")  # Motala
    # Comma-separated in the environment; duplicates, blanks and the own municipality are dropped.
    kolada_compare: Annotated[tuple[str, ...], NoDecode] = Field(("0000",), validation_alias="KOLADA_COMPARE",
                                                                 validate_default=True)

    # --- e-mail (empty host = e-mail off) -------------------------------------------------
    smtp_host: str = Field("", validation_alias="UPPFOLJNING_SMTP_HOST")
    smtp_port: int = Field(587, validation_alias="UPPFOLJNING_SMTP_PORT")
    smtp_starttls: bool = Field(True, validation_alias="UPPFOLJNING_SMTP_STARTTLS")
    smtp_user: str = Field("", validation_alias="UPPFOLJNING_SMTP_USER")
    smtp_password: SecretStr = Field(SecretStr(""), validation_alias="UPPFOLJNING_SMTP_PASSWORD")
    smtp_sender: str = Field("", validation_alias="UPPFOLJNING_SMTP_SENDER")

    # --- reporting rounds and reminders -------------------------------------------------
    round_due_days: int = Field(30, validation_alias="UPPFOLJNING_ROUND_DUE_DAYS")
    remind_days_before: int = Field(7, validation_alias="UPPFOLJNING_REMIND_DAYS_BEFORE")
    app_base_url: str = Field("http://localhost:8501/", validation_alias="UPPFOLJNING_APP_URL")
    # --- sign-in sessions -----------------------------------------------------------------
    session_idle_minutes: int = Field(60, validation_alias="UPPFOLJNING_SESSION_IDLE_MINUTES", gt=0)
    session_max_hours: int = Field(8, validation_alias="UPPFOLJNING_SESSION_MAX_HOURS", gt=0)
    cookie_secure: bool = Field(False, validation_alias="UPPFOLJNING_COOKIE_SECURE")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise SettingsError(_describe(error)) from None

    @field_validator("suppress_below", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        """'5' and '5.0' both mean 5; a fraction is cut off, as int(float(...)) did before."""
        if isinstance(value, str):
            try:
                return int(float(value))
            except ValueError:
                return value  # let the int validation report it
        return value

    @field_validator("kolada_base_url", "app_base_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("kolada_municipality")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("kolada_compare", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(","))
        return value

    @field_validator("kolada_compare")
    @classmethod
    def _without_own(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        own = info.data.get("kolada_municipality")  # validated before: declared above
        return tuple(i for i in dict.fromkeys(value) if i and i != own)

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_host.strip())


def env_name(field_name: str) -> str:
    """The environment variable a field is read from (its validation alias)."""
    return str(Settings.model_fields[field_name].validation_alias)


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        key = str(problem["loc"][0]) if problem["loc"] else ""
        variable = env_name(key) if key in Settings.model_fields else key  # the alias already is
        shown = "" if "password" in variable.lower() else f"={problem.get('input')!r}"
        lines.append(f"Ogiltig inställning {variable}{shown}: {problem['msg']}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The one settings object, read from the environment on first use."""
    return Settings()


def reload_settings() -> None:
    """Forget the cached settings: the next ``get_settings()`` reads the environment again."""
    get_settings.cache_clear()
