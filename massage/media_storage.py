"""Uploaded media in S3-compatible object storage (django-storages), when a bucket is configured.

Only imported then (settings.MEDIA_STORAGE), so a server keeping media on disk never loads boto3.
"""

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

STORAGE_ERRORS = (BotoCoreError, ClientError)


class MediaStorage(S3Storage):
    """S3Storage whose failures (bucket unreachable, access refused) are OSError, as a full
    disk's are: the studio then says the file could not be stored and to try again (503),
    instead of failing with a 500."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except STORAGE_ERRORS as error:
            raise OSError(f"Object storage refused {name}: {error}") from error

    def exists(self, name):
        try:
            return super().exists(name)
        except STORAGE_ERRORS as error:
            raise OSError(f"Object storage did not answer for {name}: {error}") from error

    def delete(self, name):
        try:
            super().delete(name)
        except STORAGE_ERRORS as error:
            raise OSError(f"Object storage could not delete {name}: {error}") from error
