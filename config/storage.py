"""Where uploads go: S3-compatible object storage in production, the local MEDIA_ROOT otherwise.

Scans of signed lists, import spreadsheets, payment proofs and target-list records hold personal
data, and on several servers a file written by one app server must be read by another and by the
task worker. A bucket gives them one place; its objects are private (no public URL works) and reach
a user only through the views that check their area and stream the file. MinIO on the province's own
machines, or a cloud bucket in Indonesia (PP 71/2019 asks public data to stay in the country).
"""

from __future__ import annotations


def object_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    prefix: str = "",
) -> dict:
    """The `STORAGES["default"]` entry for a bucket (django-storages' S3 backend)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,  # empty: AWS itself
            "region_name": region or None,
            "access_key": access_key or None,  # empty: boto3's own (instance role, ~/.aws)
            "secret_key": secret_key or None,
            "location": prefix,
            "default_acl": "private",
            "querystring_auth": True,  # any URL made for an object is signed…
            "querystring_expire": 300,  # …and short-lived
            "file_overwrite": False,  # two uploads of one name keep both
            "addressing_style": "path",  # MinIO's default; AWS accepts it too
            "signature_version": "s3v4",
        },
    }
