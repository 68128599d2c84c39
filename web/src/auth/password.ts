// The server's password rules (GET /config → password_policy), as a live checklist.
import type { PasswordPolicy } from "../api/types";

export interface Rule {
  text: string;
  ok: boolean;
}

export function passwordRules(policy: PasswordPolicy, password: string): Rule[] {
  const rules: Rule[] = [
    { text: `At least ${policy.min_length} characters`, ok: [...password].length >= policy.min_length },
  ];
  if (policy.require_lowercase) rules.push({ text: "A lowercase letter", ok: /[a-z]/.test(password) });
  if (policy.require_uppercase) rules.push({ text: "An uppercase letter", ok: /[A-Z]/.test(password) });
  if (policy.require_numbers) rules.push({ text: "A number", ok: /[0-9]/.test(password) });
  if (policy.require_symbols) {
    rules.push({ text: "A symbol (such as ! ? # %)", ok: /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password) });
  }
  return rules;
}

/** The first rule the password breaks, as a sentence; null when it meets them all. */
export function passwordProblem(policy: PasswordPolicy, password: string): string | null {
  const broken = passwordRules(policy, password).filter((r) => !r.ok);
  if (broken.length === 0) return null;
  return `The password needs: ${broken.map((r) => r.text.toLowerCase()).join(", ")}.`;
}
