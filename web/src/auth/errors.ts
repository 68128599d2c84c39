// One clear sentence for each Cognito failure (the same words as the desktop's
// aurora_desktop/auth/errors.py where they apply).
import { OFFLINE_READ_MESSAGE } from "../api/client";

export type AuthStep =
  | "signIn"
  | "signUp"
  | "confirm"
  | "resend"
  | "forgot"
  | "reset"
  | "refresh"
  | "signOut";

export class AuthError extends Error {
  override name = "AuthError";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface CognitoLikeError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
}

export function authError(err: unknown, step: AuthStep, email = ""): AuthError {
  if (err instanceof AuthError) return err;
  const e = (err ?? {}) as CognitoLikeError;
  const code = typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : "";
  const message = typeof e.message === "string" ? e.message : "";
  return new AuthError(code || "Unknown", authMessage(code, message, step, email));
}

export function authMessage(code: string, message: string, step: AuthStep, email = ""): string {
  const who = email || "this email";
  const low = message.toLowerCase();
  if (code === "NetworkError" || low === "network error" || low === "failed to fetch") {
    return OFFLINE_READ_MESSAGE;
  }
  switch (code) {
    case "NotAuthorizedException":
      if (step === "refresh" || low.includes("refresh token") || low.includes("revoked")) {
        return "Your session has ended. Sign in again.";
      }
      if (low.includes("attempts exceeded") || low.includes("attempt limit")) {
        return "Too many wrong passwords. Wait 15 minutes, then try again (or reset the password).";
      }
      if (low.includes("not confirmed")) {
        return `The account ${who} is not confirmed yet: enter the code that was emailed to you.`;
      }
      return "The email or the password is not right. Check both, or reset the password.";
    case "UserNotFoundException":
      return `There is no Aurora account for ${who}. Create one, or check the email.`;
    case "UserNotConfirmedException":
      return `The account ${who} is not confirmed yet: enter the code that was emailed to you.`;
    case "CodeMismatchException":
      return "That code is not right. Check the newest email from Aurora Time and type its 6 digits.";
    case "ExpiredCodeException":
      return "That code has expired. Ask for a new code and use the newest email.";
    case "UsernameExistsException":
    case "AliasExistsException":
      return `An account for ${who} already exists. Sign in, or reset its password if you forgot it.`;
    case "InvalidPasswordException":
      return `The server refused this password: ${policyDetail(message)}.`;
    case "LimitExceededException":
    case "TooManyFailedAttemptsException":
      return "Too many attempts. Wait 15 minutes, then try again.";
    case "TooManyRequestsException":
      return "The server is busy with too many requests. Try again in a minute.";
    case "CodeDeliveryFailureException":
      return `The server could not email a code to ${who}. Check the address, or try again later.`;
    case "InvalidParameterException":
      if (low.includes("email")) return "Type a valid email address.";
      return `The server refused the request: ${message.slice(0, 200).replace(/\.$/, "")}.`;
    case "ResourceNotFoundException":
      return "This server's sign-in is not set up the way Aurora Time expects (unknown app client).";
    default:
      return `The sign-in service answered with an error (${code || "unknown"}). Try again later.`;
  }
}

function policyDetail(message: string): string {
  const i = message.indexOf(":");
  const detail = (i >= 0 ? message.slice(i + 1) : message).trim().replace(/\.+$/, "");
  return detail || "it is too weak";
}
