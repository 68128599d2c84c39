// The app: finds the API, restores or asks for the sign-in, and routes (#/…) between
// the signed-out pages and the signed-in shell (shell.tsx).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { Api, discoverApiBase, loadServerConfig } from "./api/client";
import { Auth, type SignedIn } from "./auth/session";
import { SessionKeeper, browserSessionStore } from "./auth/storage";
import { ForgotPage } from "./pages/Forgot";
import { SignInPage } from "./pages/SignIn";
import { SignUpPage } from "./pages/SignUp";
import { ErrorAlert } from "./pages/forms";
import { browserZone, todayIn } from "./period";
import { formatRoute, resolveRoute, returnTarget } from "./router";
import { Shell, messageOf } from "./shell";

type Boot =
  | { kind: "loading" }
  | { kind: "failed"; message: string }
  | { kind: "ready"; auth: Auth; api: Api };

export function App() {
  const [boot, setBoot] = useState<Boot>({ kind: "loading" });

  const start = useCallback(async () => {
    setBoot({ kind: "loading" });
    try {
      const fetcher = (i: string, r?: RequestInit) => fetch(i, r);
      const base = await discoverApiBase(location.href, fetcher);
      const config = await loadServerConfig(base, fetcher);
      const auth = new Auth(config, base, new SessionKeeper(browserSessionStore()));
      const api = new Api(base, auth);
      await auth.restore();
      setBoot({ kind: "ready", auth, api });
    } catch (err) {
      setBoot({ kind: "failed", message: messageOf(err) });
    }
  }, []);

  useEffect(() => {
    void start();
  }, [start]);

  if (boot.kind === "loading") {
    return (
      <main class="auth" id="main">
        <p class="loading" role="status">
          Loading Aurora Time…
        </p>
      </main>
    );
  }
  if (boot.kind === "failed") {
    return (
      <main class="auth" id="main">
        <div class="auth-card">
          <h1>Aurora Time</h1>
          <ErrorAlert message={boot.message} />
          <button type="button" class="primary" onClick={() => void start()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  return <Root auth={boot.auth} api={boot.api} />;
}

// -- the hash -----------------------------------------------------------------

function useHash(): [string, (to: string, replace?: boolean) => void] {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  const go = useCallback((to: string, replace = false) => {
    if (to === location.hash) return;
    if (replace) history.replaceState(history.state, "", to);
    else history.pushState(history.state, "", to);
    setHash(to);
  }, []);
  return [hash, go];
}

// -- signed out or in -----------------------------------------------------------

interface SignInState {
  email?: string;
  error?: string | null;
  notice?: string | null;
}

function Root({ auth, api }: { auth: Auth; api: Api }) {
  const [user, setUser] = useState<SignedIn | null>(() => auth.user());
  const [hash, go] = useHash();
  const [signIn, setSignIn] = useState<SignInState>({});
  const [pending, setPending] = useState<{ email: string; password: string } | null>(null);
  const wanted = useRef<string | null>(null);

  useEffect(
    () =>
      auth.onChange((u, message) => {
        setUser(u);
        if (!u) setSignIn({ email: auth.lastEmail(), error: message, notice: message ? null : "You are signed out." });
      }),
    [auth],
  );

  const zoneToday = todayIn(browserZone());
  const route = resolveRoute(hash, user !== null, zoneToday);
  const target = formatRoute(route);

  // Signed out on a private page: remember it, to go there after signing in.
  const asked = user ? null : returnTarget(hash);
  if (asked) wanted.current = asked;

  useEffect(() => {
    if (target === hash) return;
    if (user && wanted.current) {
      const back = wanted.current;
      wanted.current = null;
      const r = resolveRoute(back, true, zoneToday);
      go(formatRoute(r), true);
      return;
    }
    go(target, true);
  }, [target, hash, user]);

  // The confirm step an unconfirmed sign-in led to lasts until the user leaves it.
  useEffect(() => {
    if (route.name !== "signup") setPending(null);
  }, [route.name]);

  if (user) return <Shell auth={auth} api={api} user={user} route={route} go={go} />;

  if (route.name === "signup") {
    return (
      <SignUpPage
        auth={auth}
        pending={pending}
        onConfirmed={(email, signedIn) => {
          setPending(null);
          if (!signedIn) {
            setSignIn({ email, notice: "Your email is confirmed. Sign in." });
            go("#/signin");
          }
        }}
      />
    );
  }
  if (route.name === "forgot") {
    return (
      <ForgotPage
        auth={auth}
        email={signIn.email ?? ""}
        onDone={(email) => {
          setSignIn({ email, notice: "Your new password is set. Sign in with it." });
          go("#/signin");
        }}
      />
    );
  }
  return (
    <SignInPage
      key={`${signIn.email ?? ""}|${signIn.error ?? ""}|${signIn.notice ?? ""}`}
      auth={auth}
      email={signIn.email ?? ""}
      error={signIn.error ?? null}
      notice={signIn.notice ?? null}
      onUnconfirmed={(email, password) => {
        setPending({ email, password });
        go("#/signup");
      }}
    />
  );
}
