// The zones the editor offers: every IANA zone Intl knows, plus the event's own.
import { formatsFor } from "../time/format";
import { ianaZones } from "../time/zonelist";
import { dateOfWall, isValidZone, parseWire, wallOf } from "../time/zone";

export function allZones(current: string): string[] {
  const list = ianaZones();
  return current && !list.includes(current) ? [current, ...list] : list;
}

// ---------------------------------------------------------------- zones a file defined
//
// A VTIMEZONE that matched no IANA zone is stored as `X-AURORA/<hash>` (see
// aurora_core/custom_zones.py); its definition travels in the `zones` map of
// GET /events and /sync. Intl cannot compute such a zone, so the browser shows an
// event in it with its times as written and never writes them (docs/web.md).

export const CUSTOM_PREFIX = "X-AURORA/";

export function isCustomZone(zone: string | null | undefined): boolean {
  return !!zone && zone.startsWith(CUSTOM_PREFIX);
}

/** The TZID the zone's file gave it (from its definition), else "a custom zone". */
export function customZoneLabel(name: string, zones: Record<string, string> | undefined): string {
  const def = zones?.[name];
  if (def) {
    for (const line of def.split(/\r?\n/)) {
      if (!/^TZID[;:]/i.test(line)) continue;
      // The value follows the first colon outside a quoted parameter.
      let quoted = false;
      for (let i = 4; i < line.length; i++) {
        const ch = line[i];
        if (ch === '"') quoted = !quoted;
        else if (ch === ":" && !quoted) {
          const value = line.slice(i + 1).trim().replace(/^"(.*)"$/, "$1");
          if (value) return value.length > 80 ? `${value.slice(0, 79)}…` : value;
          break;
        }
      }
    }
  }
  return "a custom zone";
}

/** The note under the read-only time fields. */
export function lockedTimesNote(label: string): string {
  return `Its time zone comes from an imported calendar file (${label}); change its time in Aurora Time on the desktop.`;
}

/** The note for a zone this browser does not know (an IANA name newer than its data). */
export function unknownZoneNote(zone: string): string {
  return `Its time zone (${zone}) is not known to this browser; change its time in Aurora Time on the desktop.`;
}

/** "Your time (Europe/Berlin): 1 Jun 07:43–08:43" from the wire's instants (offsets). */
export function lockedYourTime(startText: string, endText: string, displayZone: string, locale: string): string | null {
  const a = parseWire(startText);
  const b = parseWire(endText);
  if (a.kind !== "zoned" || b.kind !== "zoned" || !isValidZone(displayZone)) return null;
  const fmt = formatsFor(locale);
  const wa = wallOf(a.ms as number, displayZone);
  const wb = wallOf(b.ms as number, displayZone);
  const da = dateOfWall(wa);
  const db = dateOfWall(wb);
  const end = da === db ? fmt.time(wb) : `${fmt.dayMonth(db)} ${fmt.time(wb)}`;
  return `Your time (${displayZone.replace(/_/g, " ")}): ${fmt.dayMonth(da)} ${fmt.time(wa)}–${end}`;
}
