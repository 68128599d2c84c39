"""DynamoDB storage (see :mod:`aurora_cloud.storage.dynamo`)."""

from aurora_cloud.storage.base import Due, Stored, Write
from aurora_cloud.storage.dynamo import Storage
from aurora_cloud.storage.keys import Kind

__all__ = ["Due", "Kind", "Storage", "Stored", "Write"]
