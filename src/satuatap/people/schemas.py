from __future__ import annotations

from datetime import date

from ninja import Schema


class PersonOut(Schema):
    id: int
    office_id: int
    nik: str | None
    full_name: str
    sex: str
    birth_date: date | None
    birth_place: str
    village_code: str | None
    is_sensitive: bool
