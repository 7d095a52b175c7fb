from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | list | None = None


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""
    otp: str = Field(
        "",
        max_length=32,
        description="The current code of the authenticator app, or a recovery code: required "
        "for accounts under two-factor sign-in (case workers, supervisors, partners, "
        "administrators).",
    )


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime


class TokenRevokeIn(Schema):
    token: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    organisation_id: int | None
    organisation: str | None
    roles: list[str]
    language: str


class DeskOut(Schema):
    id: int
    desk_type: str
    name: str
    prefix: str
    is_active: bool


class OfficeOut(Schema):
    id: int
    slug: str
    name: str
    region_code: str | None
    time_zone: str
    desks: list[DeskOut]


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    partner_type: str
