"""A seeded random walk over three desktops of one account: edits, deletes, offline
periods and syncs in every order. After each of 200 interleavings, every desktop
converges to the same calendar, and every edit anyone made is either there, or was
knowingly replaced (by a later edit or delete made by someone who had seen it), or
is listed as a conflict on the desktop that made it.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aurora_core import wire
from aurora_core.model import ZonedTime
from tests.helpers.cloud_process import CloudProcess
from tests.helpers.desktops import Desktop, dump, make_account

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(1200)]

SEED = int(os.environ.get("AURORA_SYNC_SEED", "20261202"))
INTERLEAVINGS = int(os.environ.get("AURORA_SYNC_INTERLEAVINGS", "200"))
UNITS = ("title", "location", "notes", "time")
BASE = datetime(2027, 1, 4, 8)


@dataclass(frozen=True)
class Edit:
    n: int
    desktop: str
    event_id: str
    unit: str
    value: str
    known: frozenset[int]  # the edits its desktop had seen when it was made


@dataclass(frozen=True)
class Delete:
    desktop: str
    event_id: str
    known: frozenset[int]


class World:
    def __init__(self, desktops: list[Desktop], rng: random.Random) -> None:
        self.desktops = {d.name: d for d in desktops}
        self.rng = rng
        self.known: dict[str, set[int]] = {d.name: set() for d in desktops}
        self.server: set[int] = set()
        self.edits: list[Edit] = []
        self.deletes: list[Delete] = []
        self.online = {d.name: True for d in desktops}
        self.events: list[str] = []
        self.n = 0

    def sync(self, name: str) -> int:
        """Sync one desktop; how many changes moved (sent or received)."""
        d = self.desktops[name]
        report = d.sync()
        if report.pending == 0:
            self.server |= self.known[name]
        self.known[name] |= self.server
        return report.pushed + report.pulled

    def create(self, name: str) -> None:
        d = self.desktops[name]
        self.n += 1
        ev = d.add(f"new {self.n}", day=1 + self.n % 27)
        self.events.append(ev.id)

    def edit(self, name: str, event_id: str, unit: str) -> None:
        d = self.desktops[name]
        ev = d.get(event_id)
        if ev is None:
            return
        self.n += 1
        if unit == "time":
            start = ZonedTime.from_local(BASE + timedelta(hours=self.n), "Europe/Berlin")
            end = ZonedTime.from_local(BASE + timedelta(hours=self.n, minutes=45),
                                       "Europe/Berlin")
            d.store.put_event(ev.replace(start=start, end=end))
            value = wire.format_time(start)
        else:
            value = f"{unit} {self.n} on {name}"
            d.store.put_event(ev.replace(**{unit: value}))
        self.known[name].add(self.n)
        self.edits.append(Edit(self.n, name, event_id, unit, value, frozenset(self.known[name])))

    def delete(self, name: str, event_id: str) -> None:
        d = self.desktops[name]
        if d.get(event_id) is None:
            return
        d.delete(event_id)
        self.deletes.append(Delete(name, event_id, frozenset(self.known[name])))

    def step(self) -> None:
        rng = self.rng
        name = rng.choice(sorted(self.desktops))
        roll = rng.random()
        live = [e for e in self.events if self.desktops[name].get(e) is not None]
        if roll < 0.12:
            self.online[name] = not self.online[name]
        elif roll < 0.40:
            if self.online[name]:
                self.sync(name)
        elif roll < 0.48:
            self.create(name)
        elif roll < 0.56 and live:
            self.delete(name, rng.choice(live))
        elif live:
            self.edit(name, rng.choice(live), rng.choice(UNITS))

    def converge(self) -> None:
        """Everyone online, syncing in turn until a whole round moves nothing."""
        for name in self.online:
            self.online[name] = True
        for _ in range(4):
            moved = sum(self.sync(name) for name in sorted(self.desktops))
            if not moved:
                return

    # -------------------------------------------------------------- checks

    def check(self) -> None:
        names = sorted(self.desktops)
        first = self.desktops[names[0]].snapshot()
        for name in names[1:]:
            assert dump(self.desktops[name].snapshot()) == dump(first), \
                f"{name} did not converge with {names[0]} (seed {SEED})"
        final = {e["id"]: e for e in first}
        conflicts = {name: [(c.id, c.unit, c.lost) for c in d.store.conflicts()]
                     for name, d in self.desktops.items()}
        for e in self.edits:
            if self._kept(e, final, conflicts):
                continue
            raise AssertionError(f"edit lost (seed {SEED}): {e}; final: "
                                 f"{final.get(e.event_id)}")

    def _kept(self, e: Edit, final: dict[str, dict[str, Any]],
              conflicts: dict[str, list[tuple[str, str, Any]]]) -> bool:
        item = final.get(e.event_id)
        if item is not None and _value(item, e.unit) == e.value:
            return True
        for event_id, unit, lost in conflicts[e.desktop]:
            if event_id == e.event_id and unit == e.unit and _lost(unit, lost) == e.value:
                return True
        if any(o.event_id == e.event_id and o.unit == e.unit and e.n in o.known
               for o in self.edits if o is not e):
            return True  # replaced by someone who had seen it
        return item is None and any(x.event_id == e.event_id and e.n in x.known
                                    for x in self.deletes)


def _value(item: dict[str, Any], unit: str) -> str:
    if unit == "time":
        return _norm_time(item["start"])
    return str(item[unit])


def _lost(unit: str, lost: Any) -> Any:
    if unit == "time" and isinstance(lost, dict):
        return _norm_time(str(lost.get("start")))
    return lost


def _norm_time(text: str) -> str:
    t = wire.parse_time(text, all_day=False, timezone="Europe/Berlin")
    return wire.format_time(t)


def test_random_interleavings_on_three_desktops_converge_and_lose_no_edit(
        cloud: CloudProcess, tmp_path: Path) -> None:
    email, password = make_account(cloud, tmp_path)
    desktops = [Desktop(n, tmp_path / n, cloud) for n in ("a", "b", "c")]
    for d in desktops:
        d.sign_in(email, password)
        d.sync()
    world = World(desktops, random.Random(SEED))
    try:
        for _ in range(INTERLEAVINGS):
            world.edits.clear()
            world.deletes.clear()
            for _ in range(world.rng.randint(1, 2)):
                world.create(world.rng.choice(sorted(world.desktops)))
            world.converge()
            for _ in range(world.rng.randint(4, 12)):
                world.step()
            world.converge()
            world.check()
    finally:
        for d in desktops:
            d.close()
