"""The one home of the test helpers (import them as ``from tests.helpers.<module> import ...``).

Builders and doubles any test may use:
  times         zoned / all-day / floating / UTC times, and the wall clock of a time
  events        events built in memory, and events put into a store
  clocks        FakeClock (moved by hand) and OffsetClock (real time plus an offset)
  stores        make_store: a Store on a file, on a fixed or fake clock

Fixtures' worlds and processes, one module each:
  ui            the calendar-window stories' fixed week (Wednesday 25 Nov 2026, Berlin),
                and a mouse drag
  reminders     the reminder tests' T0 and their event maker
  accounts      the account dialog's fakes (keyring, Cognito) and clicks
  synced_window a main window signed in and syncing, with a switchable proxy
  cloud         the backend in process (moto; a table shaped like ours) and its fakes
                (mail, directory)
  cloud_process the local stack as a separate process
  cli_desktop   a command-line desktop (own HOME, keyring on a private D-Bus)
  desktops      in-process desktops of one account, for the sync tests
  faulty_proxy  an HTTP proxy that forwards (ForwardingProxy), and one that answers
                chosen requests with 429, 500 or 401 (FaultyProxy)
  feed_server   a local calendar-feed server for the subscription tests
  notification_bus, dbusmock_notifications  a private D-Bus with a notification daemon
  web           the browser tests' steps (sign in, wait, API user)
"""
