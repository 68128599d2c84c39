// The API's wire types, written by hand from aurora_cloud/openapi.json
// (components.schemas). Server-assigned fields are optional on input.

export interface ReminderWire {
  /** Minutes before the start (negative: after). */
  minutes_before: number;
  channel?: "notification" | "email";
}

/** An event, a recurring master or an override (`recurrence_id` set). */
export interface EventWire {
  id: string;
  calendar_id: string;
  /** ISO date ('YYYY-MM-DD', all day) or date-time (with offset, or floating + `timezone`). */
  start: string;
  end: string;
  all_day?: boolean;
  title?: string;
  location?: string;
  notes?: string;
  timezone?: string | null;
  rrule?: string | null;
  rdates?: string[];
  exdates?: string[];
  recurrence_id?: string | null;
  reminders?: ReminderWire[];
  status?: "confirmed" | "tentative" | "cancelled";
  uid?: string | null;
  ical_extra?: string[];
  /** Server-assigned; ignored on input. */
  version?: number;
  created_at?: string | null;
  updated_at?: string | null;
  deleted?: boolean;
}

export interface CalendarWire {
  id: string;
  name: string;
  /** '#rrggbb' */
  color?: string;
  read_only?: boolean;
  visible?: boolean;
  source_url?: string | null;
  version?: number;
  created_at?: string | null;
  updated_at?: string | null;
  deleted?: boolean;
}

export interface CalendarList {
  calendars: CalendarWire[];
}

/** One instance of an event in a window: the event (master or override) and its times. */
export interface OccurrenceWire {
  event: EventWire;
  start: string;
  end: string;
  recurrence_id?: string | null;
}

export interface OccurrenceList {
  occurrences: OccurrenceWire[];
  /** True when the window held more than the server sends at once. */
  truncated?: boolean;
  zones?: Record<string, string>;
}

export interface SettingsWire {
  reminder_email?: boolean;
  /** IANA zone for emails and all-day events. */
  timezone?: string;
  version?: number;
  updated_at?: string | null;
}

export interface PasswordPolicy {
  min_length: number;
  require_lowercase: boolean;
  require_uppercase: boolean;
  require_numbers: boolean;
  require_symbols: boolean;
}

/** GET /config: what a client needs to sign in. */
export interface ServerConfig {
  api_version?: string;
  region: string;
  user_pool_id: string;
  client_id: string;
  cognito_endpoint: string;
  password_policy: PasswordPolicy;
}

/** An RFC 9457 problem document (application/problem+json). */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string | null;
  instance?: string | null;
  /** 412: the item as stored. */
  current?: unknown;
  errors?: unknown;
  reason?: string;
  [extra: string]: unknown;
}
