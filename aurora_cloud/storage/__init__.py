"""DynamoDB storage (see :mod:`aurora_cloud.storage.dynamo`)."""

from aurora_cloud.storage.dynamo import Due, Kind, Storage, Stored, Write

__all__ = ["Due", "Kind", "Storage", "Stored", "Write"]
