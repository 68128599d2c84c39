import { describe, expect, it } from "vitest";
import { OFFLINE_READ_MESSAGE } from "../src/api/client";
import { authError, authMessage } from "../src/auth/errors";
import { passwordProblem, passwordRules } from "../src/auth/password";

describe("Cognito errors as sentences", () => {
  const cases: Array<[string, string, string]> = [
    ["NotAuthorizedException", "Incorrect username or password.", "The email or the password is not right. Check both, or reset the password."],
    ["UserNotFoundException", "User does not exist.", "There is no Aurora account for ada@example.com. Create one, or check the email."],
    ["CodeMismatchException", "Invalid verification code provided, please try again.", "That code is not right. Check the newest email from Aurora Time and type its 6 digits."],
    ["ExpiredCodeException", "Invalid code provided, please request a code again.", "That code has expired. Ask for a new code and use the newest email."],
    ["UsernameExistsException", "An account with the given email already exists.", "An account for ada@example.com already exists. Sign in, or reset its password if you forgot it."],
    ["InvalidPasswordException", "Password did not conform with policy: Password must have uppercase characters", "The server refused this password: Password must have uppercase characters."],
    ["UserNotConfirmedException", "User is not confirmed.", "The account ada@example.com is not confirmed yet: enter the code that was emailed to you."],
    ["LimitExceededException", "Attempt limit exceeded, please try after some time.", "Too many attempts. Wait 15 minutes, then try again."],
  ];
  for (const [code, message, sentence] of cases) {
    it(code, () => {
      expect(authMessage(code, message, "signIn", "ada@example.com")).toBe(sentence);
    });
  }

  it("a refused refresh is the end of the session", () => {
    expect(authMessage("NotAuthorizedException", "Refresh Token has been revoked", "refresh")).toBe("Your session has ended. Sign in again.");
  });

  it("too many wrong passwords is said as such", () => {
    expect(authMessage("NotAuthorizedException", "Password attempts exceeded", "signIn")).toMatch(/^Too many wrong passwords/);
  });

  it("the library's network error is the offline sentence", () => {
    const e = new Error("Network error") as Error & { code: string };
    e.code = "NetworkError";
    expect(authError(e, "signIn").message).toBe(OFFLINE_READ_MESSAGE);
  });

  it("an unknown code names itself, never a stack", () => {
    expect(authError({ code: "WeirdException", message: "x" }, "signUp").message).toBe(
      "The sign-in service answered with an error (WeirdException). Try again later.",
    );
  });
});

describe("password rules from /config", () => {
  const policy = { min_length: 10, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: true };
  it("ticks off what the password meets", () => {
    const rules = passwordRules(policy, "abcDEF");
    expect(rules.map((r) => [r.text, r.ok])).toEqual([
      ["At least 10 characters", false],
      ["A lowercase letter", true],
      ["An uppercase letter", true],
      ["A number", false],
      ["A symbol (such as ! ? # %)", false],
    ]);
  });
  it("says what is missing in one sentence, or nothing", () => {
    expect(passwordProblem(policy, "abcDEF")).toBe("The password needs: at least 10 characters, a number, a symbol (such as ! ? # %).");
    expect(passwordProblem(policy, "Correct-horse-9")).toBeNull();
  });
});
