from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds no models: only the demo modules and their management commands."""

    name = "satuatap.demo"
