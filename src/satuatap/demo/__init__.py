"""The demo dataset: pilot offices, partners, demo accounts and records in every app, and the
`seed_demo` and `demo_otp_code` commands.

Installed as an app only when `SATUATAP_DEMO` is on (by default when DEBUG is, as `make run` has
it; the test settings too): production settings neither install nor import it, and no runtime
app may import it (an import-linter contract). It writes through the apps' services and models,
one module per app it fills, in the order `seed.py` gives.
"""
