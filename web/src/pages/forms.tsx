// Small pieces the sign-in, sign-up, reset and settings pages share.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PasswordPolicy } from "../api/types";
import { passwordRules } from "../auth/password";

/** A form step that talks to the server: one at a time, "busy" while it runs, and what
 * it throws shown as the form's error. */
export function useStep(initialError: string | null = null) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initialError);
  async function run(what: () => Promise<void>) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

/** Something that looks like an email address (the server has the last word). */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());
}

let nextId = 0;
export function useId(prefix: string): string {
  const ref = useRef<string>("");
  if (!ref.current) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

interface FieldProps {
  label: string;
  type?: "text" | "email" | "password";
  value: string;
  onInput(value: string): void;
  autocomplete?: string;
  inputMode?: "numeric" | "email" | "text";
  required?: boolean;
  autoFocus?: boolean;
  describedBy?: string;
  maxLength?: number;
  pattern?: string;
  disabled?: boolean;
}

export function Field(p: FieldProps) {
  const id = useId("f");
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (p.autoFocus) ref.current?.focus();
  }, []);
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <input
        ref={ref}
        id={id}
        // Preact 11 narrows the attributes by type; all three take the same ones here.
        type={(p.type ?? "text") as "text"}
        value={p.value}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
        autocomplete={p.autocomplete}
        inputMode={p.inputMode}
        required={p.required ?? true}
        aria-describedby={p.describedBy}
        maxLength={p.maxLength}
        pattern={p.pattern}
        disabled={p.disabled}
        spellcheck={false}
        autoCapitalize="off"
      />
    </div>
  );
}

/** One clear sentence for a failure, read out at once. */
export function ErrorAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="alert" role="alert">
      {message}
    </p>
  );
}

/** A note that is not an error ("We emailed a code…"). */
export function Notice({ message }: { message: string | null }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {message ?? ""}
    </p>
  );
}

/** The server's password rules, ticked off while typing. */
export function PasswordHint({ id, policy, password }: { id: string; policy: PasswordPolicy; password: string }) {
  const rules = passwordRules(policy, password);
  return (
    <ul id={id} class="rules">
      {rules.map((r) => (
        <li key={r.text} class={r.ok ? "ok" : ""}>
          <span aria-hidden="true">{r.ok ? "\u2713" : "\u2022"}</span> {r.text}
          <span class="visually-hidden">{r.ok ? " (met)" : " (not yet)"}</span>
        </li>
      ))}
    </ul>
  );
}

/** The card every signed-out page is drawn on, with its heading focused on arrival. */
export function AuthCard({ title, children }: { title: string; children: ComponentChildren }) {
  const h = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Aurora Time`;
    if (!document.activeElement || document.activeElement === document.body) h.current?.focus();
  }, [title]);
  return (
    <main class="auth" id="main">
      <div class="auth-card">
        <p class="brand-line" aria-hidden="true">
          <span class="logo" /> Aurora Time
        </p>
        <h1 ref={h} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </div>
    </main>
  );
}

export type SubmitEvent = Event;

/** A submit button that keeps its accessible name while busy (aria-busy says it). */
export function Submit({ label, busy, busyText }: { label: string; busy: boolean; busyText: string }) {
  return (
    <>
      <button type="submit" class="primary" aria-busy={busy} aria-disabled={busy}>
        {label}
      </button>
      <p class="busy" role="status" aria-live="polite">
        {busy ? busyText : ""}
      </p>
    </>
  );
}
