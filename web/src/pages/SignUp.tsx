import { useState } from "preact/hooks";
import type { Auth } from "../auth/session";
import { passwordProblem } from "../auth/password";
import { AuthCard, ErrorAlert, Field, Notice, PasswordHint, Submit, looksLikeEmail, useId, useStep, type SubmitEvent } from "./forms";

export interface SignUpProps {
  auth: Auth;
  /** Start at the confirm step (an unconfirmed account tried to sign in). */
  pending?: { email: string; password: string } | null;
  /** Confirmed: signed in when the password is known, else back to sign-in. */
  onConfirmed(email: string, signedIn: boolean): void;
}

export function SignUpPage({ auth, pending, onConfirmed }: SignUpProps) {
  const [step, setStep] = useState<"form" | "confirm">(pending ? "confirm" : "form");
  const [email, setEmail] = useState(pending?.email ?? "");
  const [password, setPassword] = useState(pending?.password ?? "");
  const [code, setCode] = useState("");
  const { busy, error, setError, run } = useStep();
  const [notice, setNotice] = useState<string | null>(
    pending ? `Your account is not confirmed yet. Type the code we emailed to ${pending.email}.` : null,
  );
  const rulesId = useId("rules");
  const policy = auth.config.password_policy;

  function create(e: SubmitEvent) {
    e.preventDefault();
    // A refused field takes the focus, so the fix starts where the problem is.
    const form = e.currentTarget as HTMLFormElement;
    if (!looksLikeEmail(email)) {
      setError("Type a valid email address.");
      form.querySelector<HTMLInputElement>("input[type=email]")?.focus();
      return;
    }
    const weak = passwordProblem(policy, password);
    if (weak) {
      setError(weak);
      form.querySelector<HTMLInputElement>("input[type=password]")?.focus();
      return;
    }
    void run(async () => {
      await auth.signUp(email, password);
      setStep("confirm");
      setNotice(`We emailed a 6-digit code to ${email.trim()}. Type it below.`);
    });
  }

  function confirm(e: SubmitEvent) {
    e.preventDefault();
    if (!/^\s*\d{6}\s*$/.test(code)) {
      setError("Type the 6-digit code from the email.");
      return;
    }
    void run(async () => {
      await auth.confirm(email, code);
      if (password) {
        try {
          await auth.signIn(email, password);
          onConfirmed(email, true);
          return;
        } catch {
          // Confirmed all the same: the sign-in page says the rest.
        }
      }
      onConfirmed(email, false);
    });
  }

  function resend() {
    void run(async () => {
      await auth.resendCode(email);
      setNotice(`We emailed a new code to ${email.trim()}. Use the newest email.`);
    });
  }

  if (step === "confirm") {
    return (
      <AuthCard title="Confirm your email">
        <Notice message={notice} />
        <form onSubmit={confirm} noValidate>
          <Field label="Code" value={code} onInput={setCode} autocomplete="one-time-code" inputMode="numeric" maxLength={6} autoFocus />
          <ErrorAlert message={error} />
          <Submit label="Confirm" busy={busy} busyText="Confirming…" />
        </form>
        <p class="links">
          <button type="button" class="link" onClick={resend}>
            Send a new code
          </button>
          <a href="#/signin">Back to sign in</a>
        </p>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Create an account">
      <Notice message={notice} />
      <form onSubmit={create} noValidate>
        <Field label="Email" type="email" value={email} onInput={setEmail} autocomplete="username" inputMode="email" autoFocus />
        <Field label="Password" type="password" value={password} onInput={setPassword} autocomplete="new-password" describedBy={rulesId} />
        <PasswordHint id={rulesId} policy={policy} password={password} />
        <ErrorAlert message={error} />
        <Submit label="Create account" busy={busy} busyText="Creating your account…" />
      </form>
      <p class="links">
        <span>Already have an account?</span> <a href="#/signin">Sign in instead</a>
      </p>
    </AuthCard>
  );
}
