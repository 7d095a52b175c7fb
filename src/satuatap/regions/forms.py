"""The cascading region picker: province → regency → district → village, with one type-ahead
across the levels.

    from satuatap.regions.forms import RegionPickerField
    from satuatap.regions.models import RegionLevel

    class AddressForm(forms.Form):
        village = RegionPickerField(label=_("Village"), level=RegionLevel.VILLAGE)

The cleaned value is a `Region` of exactly that level. Include `{{ form.media }}` (it loads
`regions/region-picker.js`, deferred). Without JavaScript the picker still works, one level per
submit: the selects carry names and the field reads the deepest consistent choice from them.
With JavaScript the script removes those names and keeps the hidden input (the field's own name)
up to date, fetching each level's children from the regions API.

`start` (a regency code, usually the office's: `RegionPickerField(...).start = office.region_id`)
opens the picker at that regency, its districts listed, and ranks its places first in the
type-ahead (`GET /api/v1/regions/search`), which names what each match is ("Desa X, Kec. Y,
Kab. Z"). A name typed there but not picked is resolved when the form is submitted: one place of
that name is taken, several give an error naming them (`selectors.resolve_place`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import get_script_prefix
from django.utils.translation import gettext_lazy as _

from satuatap.regions import selectors
from satuatap.regions.codes import parent_code_of
from satuatap.regions.models import Region, RegionLevel

LEVEL_KEYS = {
    RegionLevel.PROVINCE: "province",
    RegionLevel.REGENCY: "regency",
    RegionLevel.DISTRICT: "district",
    RegionLevel.VILLAGE: "village",
}
CHOOSE_MESSAGES = {
    RegionLevel.PROVINCE: _("Choose a province."),
    RegionLevel.REGENCY: _("Choose a regency or city."),
    RegionLevel.DISTRICT: _("Choose a district."),
    RegionLevel.VILLAGE: _("Choose a village."),
}
PLACEHOLDERS = {
    RegionLevel.PROVINCE: _("Choose a province"),
    RegionLevel.REGENCY: _("Choose a regency or city"),
    RegionLevel.DISTRICT: _("Choose a district"),
    RegionLevel.VILLAGE: _("Choose a village"),
}
SEARCH_LABELS = {
    RegionLevel.PROVINCE: _("Find a province by name"),
    RegionLevel.REGENCY: _("Find a regency or city by name"),
    RegionLevel.DISTRICT: _("Find a district or regency by name"),
    RegionLevel.VILLAGE: _("Find a village, district or regency by name"),
}
AMBIGUOUS_MESSAGE = _(
    "“%(text)s” could be several places: %(places)s. Choose one from the suggestions or the lists."
)
NOT_FOUND_MESSAGE = _(
    "No place called “%(text)s” was found: check the spelling, or choose from the lists."
)
# Attributes Django puts on a field's widget that belong on the select that completes it.
FINAL_SELECT_ATTRS = ("required", "aria-describedby", "aria-invalid")


class TypedPlace(str):
    """What was typed in the picker's search box when no region was picked: the field resolves
    it (one place of that name) or says why it cannot."""


def _code_of(value: Any) -> str:
    if isinstance(value, TypedPlace):
        return ""
    if isinstance(value, Region):
        return value.code
    return "" if value in (None, "") else str(value).strip()


def default_api_url() -> str:
    return f"{get_script_prefix()}api/v1/regions"


class RegionPickerWidget(forms.Widget):
    template_name = "regions/widgets/region_picker.html"
    use_fieldset = True

    class Media:
        js = [forms.Script("regions/region-picker.js", defer=True)]

    def __init__(
        self,
        *,
        level: RegionLevel | int = RegionLevel.VILLAGE,
        api_url: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.level = RegionLevel(level)
        self.api_url = api_url
        self.start: str | None = None  # a regency code to open at (the office's)

    def _levels(self) -> list[RegionLevel]:
        return [RegionLevel(number) for number in range(1, self.level + 1)]

    def _select_name(self, name: str, level: RegionLevel) -> str:
        return f"{name}_{LEVEL_KEYS[level]}"

    def format_value(self, value: Any) -> str:
        return _code_of(value)

    def _search_name(self, name: str) -> str:
        return f"{name}_search"

    def value_from_datadict(self, data, files, name):
        code = self._code_from_datadict(data, name)
        typed = " ".join((data.get(self._search_name(name)) or "").split())[:100]
        if typed and (not code or code.count(".") + 1 < self.level):
            return TypedPlace(typed)
        return code

    def _code_from_datadict(self, data, name) -> str:
        select_names = [self._select_name(name, level) for level in self._levels()]
        if not any(key in data for key in select_names):
            return (data.get(name) or "").strip()
        # Without JavaScript: the deepest choice whose parent is the choice above it (a changed
        # province leaves stale regency and district choices, which are ignored).
        code = ""
        for key in select_names:
            chosen = (data.get(key) or "").strip()
            if not chosen or parent_code_of(chosen) != (code or None):
                break
            code = chosen
        return code

    def value_omitted_from_data(self, data, files, name):
        return (
            name not in data
            and self._search_name(name) not in data
            and not any(self._select_name(name, level) in data for level in self._levels())
        )

    def id_for_label(self, id_):
        return f"{id_}_{LEVEL_KEYS[RegionLevel.PROVINCE]}" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        base_id = widget_attrs.get("id") or f"id_{name}"
        code = self.format_value(value)
        typed = value if isinstance(value, TypedPlace) else ""
        opened_at = code or self._start_code()
        chosen = (
            {region.level: region for region in selectors.region_path(opened_at)}
            if opened_at
            else {}
        )
        levels = []
        for level in self._levels():
            parent = chosen.get(level - 1)
            is_enabled = level == RegionLevel.PROVINCE or parent is not None
            selected = chosen.get(level)
            select_attrs: dict[str, Any] = {
                "id": f"{base_id}_{LEVEL_KEYS[level]}",
                "name": self._select_name(name, level),
                "class": "form-select",
                "data-region-picker-level": int(level),
                "disabled": not is_enabled,
            }
            if level == self.level:
                select_attrs.update(
                    {key: widget_attrs[key] for key in FINAL_SELECT_ATTRS if key in widget_attrs}
                )
            levels.append(
                {
                    "attrs": select_attrs,
                    "label": level.label,
                    "placeholder": PLACEHOLDERS[level],
                    "selected": selected.code if selected else "",
                    "options": (
                        list(selectors.children_of(parent.code if parent else None))
                        if is_enabled
                        else []
                    ),
                }
            )
        context["widget"].update(
            {
                "base_id": base_id,
                "levels": levels,
                "api_url": self.api_url or default_api_url(),
                "search_label": SEARCH_LABELS[self.level],
                "search_name": self._search_name(name),
                "typed": typed,
                "start": self._start_code() or "",
            }
        )
        return context

    def _start_code(self) -> str:
        """The regency to open at: only a regency above this picker's level."""
        start = self.start or ""
        if start.count(".") != 1 or self.level <= RegionLevel.REGENCY:
            return ""
        return start


class RegionPickerField(forms.Field):
    """A region of exactly one level, chosen with `RegionPickerWidget`; cleans to a `Region`."""

    def __init__(
        self,
        *,
        level: RegionLevel | int = RegionLevel.VILLAGE,
        api_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.level = RegionLevel(level)
        kwargs.setdefault("widget", RegionPickerWidget(level=self.level, api_url=api_url))
        message = CHOOSE_MESSAGES[self.level]
        kwargs["error_messages"] = {
            "required": message,
            "invalid_choice": message,
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, TypedPlace):
            return value  # shown back in the search box, with the error
        return _code_of(value)

    @property
    def start(self) -> str | None:
        return getattr(self.widget, "start", None)

    @start.setter
    def start(self, code: str | None) -> None:
        self.widget.start = code

    def to_python(self, value: Any) -> Region | None:
        if value in self.empty_values:
            return None
        if isinstance(value, TypedPlace):
            return self._resolve(value)
        if isinstance(value, Region):
            region: Region | None = value
        else:
            region = selectors.get_region(_code_of(value))
        if region is None or region.level != self.level:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region

    def _resolve(self, text: str) -> Region:
        try:
            return selectors.resolve_place(text, level=self.level, near=self.start or None)
        except selectors.AmbiguousPlaceError as error:
            places = "; ".join(match.label for match in error.matches[:5])
            if len(error.matches) > 5:
                places += "; …"
            raise ValidationError(
                AMBIGUOUS_MESSAGE, code="ambiguous", params={"text": text, "places": places}
            ) from None
        except selectors.PlaceNotFoundError:
            raise ValidationError(
                NOT_FOUND_MESSAGE, code="not_found", params={"text": text}
            ) from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return _code_of(initial) != _code_of(data)
