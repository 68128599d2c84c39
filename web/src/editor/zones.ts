// The zones the editor offers: every IANA zone Intl knows, plus the event's own.
let cached: string[] | null = null;

export function allZones(current: string): string[] {
  if (!cached) {
    let list: string[] = [];
    const intl = Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] };
    try {
      list = intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [];
    } catch {
      list = [];
    }
    if (!list.includes("UTC")) list = ["UTC", ...list];
    cached = list;
  }
  return current && !cached.includes(current) ? [current, ...cached] : cached;
}
