import { useState } from "preact/hooks";
import type { Auth } from "../auth/session";
import { passwordProblem } from "../auth/password";
import { AuthCard, ErrorAlert, Field, Notice, PasswordHint, Submit, looksLikeEmail, useId, useStep, type SubmitEvent } from "./forms";

export interface ForgotProps {
  auth: Auth;
  email?: string;
  /** The new password is set: back to sign-in with the email filled in. */
  onDone(email: string): void;
}

export function ForgotPage({ auth, email: initialEmail = "", onDone }: ForgotProps) {
  const [step, setStep] = useState<"email" | "code">("email");
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, setError, run } = useStep();
  const [notice, setNotice] = useState<string | null>(null);
  const rulesId = useId("rules");
  const policy = auth.config.password_policy;

  function sendCode(e?: SubmitEvent) {
    e?.preventDefault();
    if (!looksLikeEmail(email)) {
      setError("Type a valid email address.");
      return;
    }
    void run(async () => {
      await auth.forgotPassword(email);
      setStep("code");
      setNotice(`If ${email.trim()} has an account, we emailed it a 6-digit code. Type it with your new password.`);
    });
  }

  function setNew(e: SubmitEvent) {
    e.preventDefault();
    if (!/^\s*\d{6}\s*$/.test(code)) {
      setError("Type the 6-digit code from the email.");
      return;
    }
    const weak = passwordProblem(policy, password);
    if (weak) {
      setError(weak);
      return;
    }
    void run(async () => {
      await auth.resetPassword(email, code, password);
      onDone(email.trim());
    });
  }

  return (
    <AuthCard title="Reset your password">
      <Notice message={notice} />
      {step === "email" ? (
        <form onSubmit={sendCode} noValidate>
          <Field label="Email" type="email" value={email} onInput={setEmail} autocomplete="username" inputMode="email" autoFocus />
          <ErrorAlert message={error} />
          <Submit label="Send code" busy={busy} busyText="Sending the code…" />
        </form>
      ) : (
        <form onSubmit={setNew} noValidate>
          <Field label="Code" value={code} onInput={setCode} autocomplete="one-time-code" inputMode="numeric" maxLength={6} autoFocus />
          <Field label="New password" type="password" value={password} onInput={setPassword} autocomplete="new-password" describedBy={rulesId} />
          <PasswordHint id={rulesId} policy={policy} password={password} />
          <ErrorAlert message={error} />
          <Submit label="Set new password" busy={busy} busyText="Setting the new password…" />
          <button type="button" class="link" onClick={() => sendCode()}>
            Send a new code
          </button>
        </form>
      )}
      <p class="links">
        <a href="#/signin">Back to sign in</a>
      </p>
    </AuthCard>
  );
}
