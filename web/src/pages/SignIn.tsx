import { useState } from "preact/hooks";
import type { Auth } from "../auth/session";
import { AuthError } from "../auth/errors";
import { AuthCard, ErrorAlert, Field, Notice, Submit, type SubmitEvent } from "./forms";

export interface SignInProps {
  auth: Auth;
  /** Filled in when coming back (session ended, password reset, email confirmed). */
  email?: string;
  /** Why the user is here: an error (session ended) or a notice (password set). */
  error?: string | null;
  notice?: string | null;
  /** The account is not confirmed: go to the confirm step with what was typed. */
  onUnconfirmed(email: string, password: string): void;
}

export function SignInPage({ auth, email: initialEmail = "", error: initialError = null, notice, onUnconfirmed }: SignInProps) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(initialError);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (busy) return;
    if (!email.trim() || !password) {
      setError(!email.trim() ? "Type your email." : "Type your password.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await auth.signIn(email, password);
      // The app follows the sign-in (Auth.onChange) and shows the calendar.
    } catch (err) {
      setBusy(false);
      if (err instanceof AuthError && (err.code === "UserNotConfirmedException")) {
        onUnconfirmed(email, password);
        return;
      }
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <AuthCard title="Sign in">
      <Notice message={notice ?? null} />
      <form onSubmit={submit} noValidate>
        <Field label="Email" type="email" value={email} onInput={setEmail} autocomplete="username" inputMode="email" autoFocus={!initialEmail} />
        <Field label="Password" type="password" value={password} onInput={setPassword} autocomplete="current-password" autoFocus={!!initialEmail} />
        <ErrorAlert message={error} />
        <Submit label="Sign in" busy={busy} busyText="Signing in…" />
      </form>
      <p class="links">
        <a href="#/forgot">Forgot password?</a>
        <a href="#/signup">Create an account</a>
      </p>
    </AuthCard>
  );
}
