"""python-dbusmock's notification_daemon template, with the spec's two signals declared.

Loaded by Debian's python3-dbusmock (``/usr/bin/python3 -m dbusmock --template
<this file>``), not by pytest. The stock template answers Notify,
GetCapabilities, GetServerInformation and CloseNotification, and can emit
ActionInvoked and NotificationClosed (``EmitSignal``), but its introspection
does not list those signals. Every real server (GNOME Shell, Plasma, dunst,
mako, xfce4-notifyd) lists them, and desktop-notifier subscribes to the
signals its introspection shows, so here they are added to the introspection
data; the methods and their behaviour stay the template's.
"""

import dbus
from dbusmock.templates import notification_daemon as _base

BUS_NAME = _base.BUS_NAME
MAIN_OBJ = _base.MAIN_OBJ
MAIN_IFACE = _base.MAIN_IFACE
SYSTEM_BUS = False


@dbus.service.signal(MAIN_IFACE, signature="us")
def ActionInvoked(self, id, action_key):
    pass


@dbus.service.signal(MAIN_IFACE, signature="uu")
def NotificationClosed(self, id, reason):
    pass


def load(mock, parameters):
    _base.load(mock, parameters)
    # Introspect() lists what mock.methods holds: a signal-decorated function is
    # written out as a <signal>.
    for fn in (ActionInvoked, NotificationClosed):
        mock.methods[MAIN_IFACE][fn.__name__] = ("", "", "", fn)
