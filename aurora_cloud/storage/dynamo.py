"""All DynamoDB access: one single table, one package, an injected boto3 client.

The layout (docs/data-model.md has every access pattern):

==================  ==========================  =====================================
PK                  SK                          what
==================  ==========================  =====================================
``USER#<sub>``      ``META``                    change counter, settings
``USER#<sub>``      ``CAL#<id>``                a calendar (or its tombstone)
``USER#<sub>``      ``EVT#<id>``                an event (or its tombstone)
``USER#<sub>``      ``RST#<id>``                a reminder state (expires 60 days after due)
``USER#<sub>``      ``ZONE#<name>``             a zone a file defined (its VTIMEZONE)
``REVOKED#<sub>``   ``REVOKED``                 tokens issued before ``revoked_at`` are refused
``LIMIT#<caller>``  ``LIMIT``                   a caller's request allowance (GCRA ``tat``; TTL)
``SYSTEM``          ``DISPATCHER``              the dispatcher's last processed minute
==================  ==========================  =====================================

GSIs: ``sync`` (PK, seq) is the per-user change feed; ``due`` (due_pk,
due_sk) holds the next email reminder of each event, write-sharded by minute;
``series`` (series, SK) groups a recurring master with its overrides.

Every versioned write is one transaction of two items: the user's counter
moves from the value read to value + n, and the item is written only if it
is still the version that was read. So ``seq`` order is commit order, a
/sync reader never skips a write that commits late, and a lost race surfaces
as :class:`aurora_cloud.errors.Contention` for the caller to retry.
"""

from __future__ import annotations

from aurora_cloud.storage.account import AccountPart
from aurora_cloud.storage.due import DuePart
from aurora_cloud.storage.items import ItemsPart
from aurora_cloud.storage.limits import LimitsPart

__all__ = ["Storage"]


class Storage(ItemsPart, AccountPart, LimitsPart, DuePart):
    """The table, for one deployment (``Storage(client, table, tombstone_days=...,
    due_shards=..., capacity_log=..., sleep=...)``), one part per concern: ``items``
    (versioned items, the change feed, zones, settings), ``account``, ``limits``,
    ``due`` (email reminders and the dispatcher); ``keys`` is the only module that
    builds a key. Methods raise :class:`~aurora_cloud.errors.Contention` on a lost race
    and :class:`~aurora_cloud.errors.TooManyRequests` when DynamoDB throttles; nothing
    else of botocore leaks.
    """
