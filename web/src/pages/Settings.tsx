import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { OfflineError, type Api } from "../api/client";
import type { SettingsWire } from "../api/types";
import { ianaZones } from "../time/zonelist";
import { ErrorAlert, useId, type SubmitEvent } from "./forms";

export interface SettingsProps {
  api: Api;
  /** What the shell loaded (null while loading). */
  settings: SettingsWire | null;
  browserZone: string;
  email: string;
  onSaved(s: SettingsWire): void;
  /** After the server ended every session: sign out here too. */
  onSignedOutEverywhere(): void;
}

/** Every zone the browser knows, the account's and the browser's included, sorted. */
export function zoneChoices(current: string, browserZone: string): string[] {
  const set = new Set(ianaZones());
  for (const z of [current, browserZone, "UTC"]) if (z) set.add(z);
  return [...set].sort((a, b) => a.localeCompare(b));
}

export function SettingsPage({ api, settings, browserZone, email, onSaved, onSignedOutEverywhere }: SettingsProps) {
  const saved = settings && (settings.version ?? 0) > 0;
  const [reminders, setReminders] = useState(settings?.reminder_email ?? true);
  const [zone, setZone] = useState(saved ? settings.timezone ?? browserZone : browserZone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const h = useRef<HTMLHeadingElement>(null);
  const zoneHint = useId("zone-hint");
  const remindHint = useId("remind-hint");

  useEffect(() => {
    if (!settings) return;
    setReminders(settings.reminder_email ?? true);
    setZone((settings.version ?? 0) > 0 ? settings.timezone ?? browserZone : browserZone);
  }, [settings]);

  useEffect(() => {
    h.current?.focus();
  }, []);

  const [endBusy, setEndBusy] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);

  async function signOutEverywhere() {
    if (endBusy) return;
    setEndBusy(true);
    setEndError(null);
    try {
      await api.signOutEverywhere();
      onSignedOutEverywhere();
    } catch (err) {
      setEndError(
        err instanceof OfflineError
          ? "You are offline or the server cannot be reached. No session was ended."
          : err instanceof Error
            ? err.message
            : String(err),
      );
      setEndBusy(false);
    }
  }

  const zones = useMemo(() => zoneChoices(zone, browserZone), [zone, browserZone]);
  const others = zones.filter((z) => z !== browserZone);

  async function save(e: SubmitEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setStatus("");
    try {
      const s = await api.putSettings({ reminder_email: reminders, timezone: zone });
      onSaved(s);
      setStatus("Saved");
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="settings" aria-labelledby="settings-h">
      <h1 id="settings-h" ref={h} tabIndex={-1}>
        Settings
      </h1>
      {email ? <p class="muted">Signed in as {email}</p> : null}
      {settings === null ? (
        <p class="loading" role="status">
          Loading…
        </p>
      ) : (
      <form onSubmit={save} onInput={() => setStatus("")}>
        <div class="check">
          <input id="s-remind" type="checkbox" checked={reminders} aria-describedby={remindHint}
            onChange={(e) => setReminders((e.currentTarget as HTMLInputElement).checked)} />
          <label for="s-remind">Email reminders</label>
        </div>
        <p id={remindHint} class="hint">
          On: an event's email reminder goes to {email || "your address"}, even when no computer is on.
          Off: no reminder emails at all.
        </p>
        <div class="field">
          <label for="s-zone">Time zone</label>
          <select id="s-zone" value={zone} aria-describedby={zoneHint}
            onChange={(e) => setZone((e.currentTarget as HTMLSelectElement).value)}>
            <option value={browserZone}>{browserZone} (this device)</option>
            {others.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </div>
        <p id={zoneHint} class="hint">
          The calendar is shown in this zone, and reminder emails give times in it.
          {settings && !saved ? " Not saved yet: until you save, emails use UTC." : ""}
        </p>
        <ErrorAlert message={error} />
        <div class="row">
          <button type="submit" class="primary" aria-busy={busy} aria-disabled={busy}>
            Save settings
          </button>
          <p class="saved" role="status" aria-live="polite">
            {busy ? "Saving…" : status}
          </p>
        </div>
      </form>
      )}
      <h2 class="sub-h">Devices</h2>
      <p class="hint">
        End all sessions signs this account out on every computer, phone and browser, this one too: each
        asks for the password again. Use it if a device was lost or someone else used your account.
      </p>
      <ErrorAlert message={endError} />
      <button type="button" onClick={() => void signOutEverywhere()} aria-busy={endBusy} aria-disabled={endBusy}>
        End all sessions
      </button>
    </section>
  );
}
