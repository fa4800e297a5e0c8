"""The one settings object. Every knob is a ``CETTAR_*`` environment variable (or a line in ``.env``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "changethis"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
_RATE_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CETTAR_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means a SQLite file in data_dir")
    redis_url: str = Field(default="", description="redis:// or unix:// URL; empty means an embedded server")
    secret_key: str = PLACEHOLDER_SECRET
    public_base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Asia/Jakarta"
    calendar_file: Path | None = Field(default=None, description="YAML: office hours, regional days off, agency hours")
    form_rate_limit: str = "20/minute"
    max_text_length: int = Field(default=5000, ge=100, le=100_000)
    api_docs: bool = Field(default=True, description="serve the API's Swagger UI at /docs (assets shipped, no CDN)")
    router: str = Field(default="model", description="'model' or 'package.module:attribute'")
    model_path: Path | None = Field(default=None, description="routing model (.skops); empty means the shipped one")
    routing_precision: float | None = Field(
        default=None, gt=0, lt=1, description="target precision of automatic routing; empty means the model's own"
    )
    retrain_interval: int = Field(default=604_800, ge=0, description="seconds between scheduled retrains of the "
                                  "routing model from staff decisions (a week); 0 never retrains on a schedule")
    retrain_base_data: str = Field(default="", description="comma-separated CSVs (text, agency, submitted_at) the "
                                   "retrain adds to the deployment's own labels, e.g. the history of the first model")
    model_check_interval: int = Field(default=30, ge=1, description="seconds between a worker's looks for a newly "
                                      "promoted routing model")
    intake_batch: int = Field(default=100, ge=1, le=1000, description="complaints one routing job takes from the "
                              "outbox at most (one transaction, one classifier call)")
    intake_requeue_after: int = Field(default=60, description="seconds before an unprocessed intake is re-sent")
    intake_sweep_interval: int = Field(default=30, description="seconds between sweeps of unprocessed intake")
    sla_sweep_interval: int = Field(default=300, description="seconds between SLA sweeps")
    notify_interval: int = Field(default=60, ge=5, description="seconds between deliveries of due SLA notifications")
    service_operator: str = Field(default="", description="who runs this deployment, shown on every public page")
    logo_url: str = Field(default="", description="the operator's logo: a path on this site, e.g. /static/logo.png")
    privacy_contact: str = Field(default="", description="the data-protection officer's contact, on /privasi")
    retention_years: int = Field(default=5, ge=1, le=30, description="years complaints and contacts are kept, on /privasi")
    smtp_host: str = Field(default="", description="SMTP server for the reporters' e-mail; empty sends nothing")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_tls: Literal["none", "starttls", "tls"] = "starttls"
    mail_from: str = Field(default="CETTAR <no-reply@localhost>", description="the From of the reporters' e-mail")
    storage: str = Field(default="", description="where photos are kept: empty means <data dir>/files, or "
                         "'package.module:attribute' naming a store with put/get/delete (object storage)")
    sms_gateway: str = Field(default="", description="'log', or 'package.module:attribute' naming an SMS/WhatsApp gateway")
    rollup_interval: int = Field(default=30, ge=5, description="seconds between refreshes of the metrics roll-up")
    dashboard_min_sample: int = Field(default=10, ge=1, description="answered complaints an agency needs to be ranked")
    sla_escalate_after_hours: float = Field(default=8, ge=0, description="working hours from a breach to escalation")
    ingest_poll_interval: int = Field(default=900, ge=30, description="seconds between polls of a new source")
    ingest_schedule_interval: int = Field(default=60, ge=5, description="seconds between looks for sources due")
    ingest_backfill: int = Field(default=20, ge=0, description="items a new feed's first poll takes at most")
    ingest_timeout: float = Field(default=10, gt=0, description="seconds a fetch may take per step")
    ingest_max_bytes: int = Field(default=5_000_000, gt=0, description="largest feed body accepted")
    ingest_max_redirects: int = Field(default=5, ge=0)
    x_bearer_token: str = Field(default="", description="X API v2 app token: enables the X sources")
    x_consumer_key: str = ""
    x_consumer_secret: str = ""
    x_access_token: str = ""
    x_access_token_secret: str = ""
    x_api_url: str = Field(default="", description="another host for the X API (a gateway); empty means X itself")
    x_reply: bool = Field(default=False, description="reply on X with the tracking link (needs the four write keys)")
    metrics_token: str = Field(default="", description="a bearer token that opens /metrics to a scraper on "
                               "another machine; without it /metrics answers only on this machine")
    open311_jurisdiction: str = Field(default="", description="the jurisdiction_id Open311 clients send; empty means "
                                      "the host of CETTAR_PUBLIC_BASE_URL")
    open311_contact: str = Field(default="", description="who Open311 integrators contact (the discovery document)")
    open311_key_service: str = Field(default="", description="how an integrator gets an Open311 api_key")
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(default="text", description="json: one JSON object per log line, "
                                                "with the request id that follows a complaint into its jobs")
    log_file: Path | None = Field(default=None, description="write the log here (at CETTAR_LOG_LEVEL) and only "
                                  "warnings and errors to the console; `cettar up` sets it unless --verbose")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Jakarta, Asia/Makassar)") from exc
        return value

    @field_validator("form_rate_limit")
    @classmethod
    def _rate_format(cls, value: str) -> str:
        if not _RATE.match(value):
            raise ValueError("must look like '20/minute' (per second, minute, hour or day)")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "CETTAR_SECRET_KEY must be set to a random value of 32+ characters outside development, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cettar.db').resolve()}"

    @property
    def retrain_base_paths(self) -> list[Path]:
        return [Path(part.strip()) for part in self.retrain_base_data.split(",") if part.strip()]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def rate_limit(self) -> tuple[int, int]:
        """(requests allowed, window in seconds)."""
        match = _RATE.match(self.form_rate_limit)
        assert match is not None
        return int(match.group(1)), _RATE_SECONDS[match.group(2)]


@lru_cache
def get_settings() -> Settings:
    return Settings()
