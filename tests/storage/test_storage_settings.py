"""`SATUATAP_STORAGE` and the `SATUATAP_S3_*` variables, read by the real settings module in a
fresh process: local disk unless asked, a bucket with every knob when asked, a clear refusal of
anything else."""

from __future__ import annotations

import json

from tests.core.test_settings import _production_env, _python

SHOW_STORAGE = """
import json, django
django.setup()
from django.core.files.storage import storages
store = storages["default"]
print(json.dumps({
    "backend": type(store).__name__,
    "bucket": getattr(store, "bucket_name", None),
    "endpoint": getattr(store, "endpoint_url", None),
    "prefix": getattr(store, "location", None),
    "acl": getattr(store, "default_acl", "-"),
    "overwrite": getattr(store, "file_overwrite", None),
    "expire": getattr(store, "querystring_expire", None),
    "retries": getattr(getattr(store, "client_config", None), "retries", None),
    "timeout": getattr(getattr(store, "client_config", None), "connect_timeout", None),
    "multipart": getattr(getattr(store, "transfer_config", None), "multipart_threshold", None),
}))
"""


def _env(tmp_path, **variables: str) -> dict[str, str]:
    env = _production_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "satuatap.settings"
    env.update(variables)
    return env


def test_the_private_files_are_on_local_disk_unless_asked(tmp_path):
    result = _python(SHOW_STORAGE, env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["backend"] == "PrivateFileSystemStorage"


def test_an_s3_bucket_is_configured_from_the_environment_private_and_bounded(tmp_path):
    env = _env(
        tmp_path,
        SATUATAP_STORAGE="s3",
        SATUATAP_S3_BUCKET="satuatap-private",
        SATUATAP_S3_ENDPOINT_URL="https://s3.example.id",
        SATUATAP_S3_ACCESS_KEY_ID="key",
        SATUATAP_S3_SECRET_ACCESS_KEY="secret",
        SATUATAP_S3_PREFIX="cirebon",
        SATUATAP_S3_CONNECT_TIMEOUT="2.5",
        SATUATAP_S3_MAX_ATTEMPTS="4",
    )
    result = _python(SHOW_STORAGE, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "backend": "PrivateS3Storage",
        "bucket": "satuatap-private",
        "endpoint": "https://s3.example.id",
        "prefix": "cirebon",
        "acl": None,  # no ACL is sent: the bucket's private policy applies
        "overwrite": False,  # two records never share an object
        "expire": 60,
        "retries": {"total_max_attempts": 4, "mode": "standard"},
        "timeout": 2.5,
        "multipart": 5 * 1024**3,  # one PUT per file
    }


def test_an_unknown_storage_or_a_bucket_left_out_stops_the_start(tmp_path):
    unknown = _python(SHOW_STORAGE, env=_env(tmp_path, SATUATAP_STORAGE="nfs"), cwd=tmp_path)
    assert unknown.returncode != 0
    assert "SATUATAP_STORAGE must be local or s3" in unknown.stderr

    no_bucket = _python(SHOW_STORAGE, env=_env(tmp_path, SATUATAP_STORAGE="s3"), cwd=tmp_path)
    assert no_bucket.returncode != 0
    assert "SATUATAP_S3_BUCKET" in no_bucket.stderr
