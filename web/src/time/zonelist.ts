// The IANA zones a person can pick. Chromium's Intl lists some zones only under names
// the tz database has since replaced (Asia/Calcutta, Europe/Kiev, Asia/Saigon…): people
// look for their city's current name, so those are offered under it (both names are the
// same zone to Intl and to the server's zoneinfo).
import { isValidZone } from "./zone";

/** Old tz database name → the current one. */
export const RENAMED: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

let cached: string[] | null = null;

/** Every zone Intl knows, under its current name where Intl accepts it, sorted; UTC first. */
export function ianaZones(): string[] {
  if (!cached) {
    let list: string[] = [];
    const intl = Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] };
    try {
      list = intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [];
    } catch {
      list = [];
    }
    const out = new Set<string>();
    for (const z of list) {
      const now = RENAMED[z];
      out.add(now && isValidZone(now) ? now : z);
    }
    out.delete("UTC");
    cached = ["UTC", ...[...out].sort((a, b) => a.localeCompare(b))];
  }
  return cached;
}

/** The name to show and select for ``zone`` (its current name when it was renamed). */
export function currentName(zone: string): string {
  const now = RENAMED[zone];
  return now && isValidZone(now) ? now : zone;
}
