"""DynamoDB storage (see :mod:`aurora_cloud.storage.dynamo`)."""

from aurora_cloud.storage.dynamo import Due, Storage, Stored, Write

__all__ = ["Due", "Storage", "Stored", "Write"]
