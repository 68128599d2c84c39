"""The reminder email: plain text and HTML, user strings escaped, times in the user's zone."""

from __future__ import annotations

import base64
import html
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime

from aurora_core import custom_zones
from aurora_core.model import AllDayDate, Event, EventTime, FloatingTime, ZonedTime
from aurora_core.times import DisplayZone

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: str, limit: int = 120) -> str:
    """``text`` without control characters (no header injection), shortened."""
    flat = _CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe_time(t: EventTime, zone: DisplayZone) -> str:
    """A time as the user reads it: zoned times in the user's zone."""
    if isinstance(t, AllDayDate):
        return f"{t.day:%a %d %b %Y} (all day)"
    if isinstance(t, FloatingTime):
        return f"{t.wall:%a %d %b %Y, %H:%M}"
    assert isinstance(t, ZonedTime)
    local = zone.wall(t)
    text = f"{local:%a %d %b %Y, %H:%M} ({zone.name})"
    if t.tz != zone.name:
        there = t.local
        text += f" — {there:%H:%M} in {custom_zones.display_name(t.tz)}"
    return text


@dataclass(frozen=True)
class Email:
    """One email: plain text and (optionally) HTML. ``subject`` has no line breaks."""

    sender: str
    to: str
    subject: str
    text: str
    html: str | None = None
    date: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def from_header(self) -> str:
        return f"Aurora Time <{self.sender}>"

    def to_bytes(self) -> bytes:
        """The MIME bytes, built directly (several times faster than the email package)."""
        boundary = f"=_aurora_{uuid.uuid4().hex}"
        domain = self.sender.rsplit("@", 1)[-1]
        head = [
            f"Subject: {Header(self.subject, 'utf-8').encode()}",
            f"From: {self.from_header}",
            f"To: {self.to}",
            f"Date: {format_datetime(self.date)}",
            f"Message-ID: <{uuid.uuid4().hex}@{domain}>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
        ]

        def part(body: str, subtype: str) -> list[str]:
            data = base64.encodebytes(body.encode("utf-8")).decode("ascii")
            return [f"Content-Type: text/{subtype}; charset=\"utf-8\"",
                    "Content-Transfer-Encoding: base64", "", data]

        if self.html is None:
            lines = head + part(self.text, "plain")
        else:
            lines = [*head, f"Content-Type: multipart/alternative; boundary=\"{boundary}\"",
                     "", f"--{boundary}", *part(self.text, "plain"), f"--{boundary}",
                     *part(self.html, "html"), f"--{boundary}--", ""]
        return "\r\n".join(lines).encode("ascii")


def render_reminder(event: Event, start: EventTime, *, minutes_before: int,
                    zone: DisplayZone, to: str, sender: str, now: datetime | None = None
                    ) -> Email:
    """The email for one reminder of one occurrence (``start``) of ``event``."""
    title = event.title.strip() or "(untitled event)"
    when = describe_time(start, zone)
    subject = f"Reminder: {one_line(title)} — {one_line(when, 80)}"
    lead = _lead(minutes_before)
    lines = [f"{title}", "", f"When: {when}"]
    if event.location:
        lines.append(f"Where: {event.location}")
    if event.notes:
        lines += ["", event.notes]
    lines += ["", f"This reminder was sent {lead}.", "— Aurora Time"]
    e = html.escape
    parts = [
        "<!DOCTYPE html><html><body style=\"font-family:sans-serif\">",
        f"<h2>{e(title)}</h2>",
        f"<p><strong>When:</strong> {e(when)}</p>",
    ]
    if event.location:
        parts.append(f"<p><strong>Where:</strong> {e(event.location)}</p>")
    if event.notes:
        notes = e(event.notes).replace("\n", "<br>\n")
        parts.append(f"<p>{notes}</p>")
    parts.append(f"<p style=\"color:#666\">This reminder was sent {e(lead)}. "
                 "— Aurora Time</p></body></html>")
    return Email(sender=sender, to=to, subject=subject, text="\n".join(lines) + "\n",
                 html="\n".join(parts) + "\n", date=now or datetime.now(UTC))


def _lead(minutes: int) -> str:
    if minutes == 0:
        return "as the event starts"
    if minutes < 0:
        return f"{-minutes} minutes after the start"
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day{'s' if days > 1 else ''} before"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''} before"
    return f"{minutes} minutes before"
