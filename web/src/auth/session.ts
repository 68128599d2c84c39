// The Cognito session in the browser: sign up, confirm, sign in (SRP), reset, refresh,
// sign out. SRP, sign-up and the code flows go through amazon-cognito-identity-js;
// no SRP is written here.
import {
  AuthenticationDetails,
  CognitoAccessToken,
  CognitoIdToken,
  CognitoRefreshToken,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  CognitoUserSession,
} from "amazon-cognito-identity-js";
import type { ServerConfig } from "../api/types";
import type { TokenSource } from "../api/client";
import { AuthError, authError } from "./errors";
import { MemoryStorage, SessionKeeper } from "./storage";

export interface SignedIn {
  email: string;
  sub: string;
}

type Listener = (user: SignedIn | null, message: string | null) => void;

/** The library's HTTP client (CognitoUserPool.client): one request, no retries. */
interface PoolClient {
  request(op: string, params: object, cb: (err: unknown, data: unknown) => void): void;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class Auth implements TokenSource {
  readonly config: ServerConfig;
  private readonly api: string;
  private readonly memory = new MemoryStorage();
  private readonly pool: CognitoUserPool;
  private readonly keeper: SessionKeeper;
  private session: CognitoUserSession | null = null;
  /** Epoch ms (this browser's clock) when the access token expires, and its life in ms. */
  private expiresAt = 0;
  private lifetime = 0;
  private email = "";
  private listeners = new Set<Listener>();

  constructor(config: ServerConfig, api: string, keeper: SessionKeeper) {
    this.config = config;
    this.api = api;
    this.keeper = keeper;
    this.pool = new CognitoUserPool({
      UserPoolId: config.user_pool_id,
      ClientId: config.client_id,
      endpoint: config.cognito_endpoint,
      Storage: this.memory,
      AdvancedSecurityDataCollectionFlag: false,
    });
  }

  // -- state --------------------------------------------------------------

  user(): SignedIn | null {
    if (!this.session) return null;
    const sub = String(this.session.getAccessToken().decodePayload().sub ?? "");
    return { email: this.email, sub };
  }

  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(message: string | null = null): void {
    const u = this.user();
    for (const fn of this.listeners) fn(u, message);
  }

  /**
   * The access token is in the last quarter of its life (at most its last minute). Its
   * life is counted from when it arrived here (exp − iat), so a wrong clock in the
   * browser does not matter.
   */
  needsRefresh(): boolean {
    if (!this.session) return false;
    const left = this.expiresAt - Date.now();
    return left < Math.min(60_000, this.lifetime / 4);
  }

  accessToken(): string | null {
    return this.session?.getAccessToken().getJwtToken() ?? null;
  }

  // -- account ------------------------------------------------------------

  private cognitoUser(email: string): CognitoUser {
    return new CognitoUser({ Username: normaliseEmail(email), Pool: this.pool, Storage: this.memory });
  }

  signUp(email: string, password: string): Promise<void> {
    const e = normaliseEmail(email);
    return new Promise((resolve, reject) => {
      this.pool.signUp(
        e,
        password,
        [new CognitoUserAttribute({ Name: "email", Value: e })],
        [],
        (err) => (err ? reject(authError(err, "signUp", e)) : resolve()),
      );
    });
  }

  confirm(email: string, code: string): Promise<void> {
    const e = normaliseEmail(email);
    return new Promise((resolve, reject) => {
      this.cognitoUser(e).confirmRegistration(code.trim(), false, (err) =>
        err ? reject(authError(err, "confirm", e)) : resolve(),
      );
    });
  }

  resendCode(email: string): Promise<void> {
    const e = normaliseEmail(email);
    return new Promise((resolve, reject) => {
      this.cognitoUser(e).resendConfirmationCode((err) =>
        err ? reject(authError(err, "resend", e)) : resolve(),
      );
    });
  }

  forgotPassword(email: string): Promise<void> {
    const e = normaliseEmail(email);
    return new Promise((resolve, reject) => {
      this.cognitoUser(e).forgotPassword({
        onSuccess: () => resolve(),
        onFailure: (err) => reject(authError(err, "forgot", e)),
        inputVerificationCode: () => resolve(),
      });
    });
  }

  resetPassword(email: string, code: string, password: string): Promise<void> {
    const e = normaliseEmail(email);
    return new Promise((resolve, reject) => {
      this.cognitoUser(e).confirmPassword(code.trim(), password, {
        onSuccess: () => resolve(),
        onFailure: (err) => reject(authError(err, "reset", e)),
      });
    });
  }

  /** SRP sign-in (USER_SRP_AUTH): the password never leaves the page. */
  signIn(email: string, password: string): Promise<SignedIn> {
    const e = normaliseEmail(email);
    const user = this.cognitoUser(e);
    const details = new AuthenticationDetails({ Username: e, Password: password });
    return new Promise((resolve, reject) => {
      user.authenticateUser(details, {
        onSuccess: (session) => {
          this.memory.clear(); // the library cached the tokens; we hold the session ourselves
          this.adopt(session, e);
          this.keeper.save(this.api, e, session.getRefreshToken().getToken());
          this.emit();
          resolve(this.user() as SignedIn);
        },
        onFailure: (err) => reject(authError(err, "signIn", e)),
        newPasswordRequired: () =>
          reject(new AuthError("NewPasswordRequired", "This account must set a new password first: use \u201cForgot password?\u201d.")),
        mfaRequired: () => reject(unsupported()),
        totpRequired: () => reject(unsupported()),
        customChallenge: () => reject(unsupported()),
        mfaSetup: () => reject(unsupported()),
        selectMFAType: () => reject(unsupported()),
      });
    });
  }

  private adopt(session: CognitoUserSession, email: string): void {
    this.session = session;
    this.email = email;
    const token = session.getAccessToken();
    this.lifetime = Math.max(0, token.getExpiration() - token.getIssuedAt()) * 1000;
    this.expiresAt = Date.now() + this.lifetime;
  }

  /** After a reload: the refresh token kept in this tab, if any, gives a new session. */
  async restore(): Promise<SignedIn | null> {
    const kept = this.keeper.load(this.api);
    if (!kept) return null;
    try {
      await this.refreshWith(kept.refreshToken, kept.email);
    } catch (e) {
      // Refused (revoked, expired, user or app client gone): forget it, sign in again.
      // Offline or busy: keep it, the start-up says why and offers Try again.
      const refused = !(e instanceof AuthError) || REFUSED.has(e.code);
      if (!refused) throw e;
      this.keeper.clear();
      return null;
    }
    this.emit();
    return this.user();
  }

  /** New tokens with the refresh token (one request; the API client calls it on a 401). */
  async refresh(): Promise<boolean> {
    const token = this.session?.getRefreshToken().getToken();
    if (!token) return false;
    try {
      await this.refreshWith(token, this.email);
      return true;
    } catch {
      return false;
    }
  }

  private refreshWith(refreshToken: string, email: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client().request(
        "InitiateAuth",
        {
          ClientId: this.config.client_id,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        },
        (err, data) => {
          const result = (data as { AuthenticationResult?: Record<string, string> } | null)
            ?.AuthenticationResult;
          if (err || !result?.AccessToken || !result.IdToken) {
            reject(authError(err ?? { code: "NotAuthorizedException" }, "refresh", email));
            return;
          }
          const rotated = result.RefreshToken ?? refreshToken;
          const session = new CognitoUserSession({
            IdToken: new CognitoIdToken({ IdToken: result.IdToken }),
            AccessToken: new CognitoAccessToken({ AccessToken: result.AccessToken }),
            RefreshToken: new CognitoRefreshToken({ RefreshToken: rotated }),
          });
          this.adopt(session, email || String(session.getIdToken().decodePayload().email ?? ""));
          if (rotated !== refreshToken) this.keeper.update(rotated);
          resolve();
        },
      );
    });
  }

  private client(): PoolClient {
    return (this.pool as unknown as { client: PoolClient }).client;
  }

  /**
   * Sign out in this browser: revoke the refresh token (so a copy of it is worthless),
   * forget every token. Works offline too (then the token is only forgotten).
   */
  async signOut(): Promise<void> {
    const token = this.session?.getRefreshToken().getToken();
    this.drop();
    this.emit();
    if (!token) return;
    await new Promise<void>((resolve) => {
      this.client().request(
        "RevokeToken",
        { Token: token, ClientId: this.config.client_id },
        () => resolve(),
      );
    });
  }

  /** The server refused the session (401 after a refresh): forget it, say why. */
  sessionEnded(message: string): void {
    if (!this.session) return;
    this.drop();
    this.emit(message);
  }

  private drop(): void {
    this.session = null;
    this.memory.clear();
    this.keeper.clear();
  }

  /** The email last signed in with (for the sign-in form after the session ended). */
  lastEmail(): string {
    return this.email;
  }
}

/** Cognito's answers that mean the kept refresh token will never work again. */
const REFUSED = new Set(["NotAuthorizedException", "UserNotFoundException", "ResourceNotFoundException", "InvalidParameterException", "Unknown"]);

function unsupported(): AuthError {
  return new AuthError(
    "Unsupported",
    "This account needs a sign-in step (such as MFA) that Aurora Time on the web does not support yet.",
  );
}
