/**
 * The rate-limit budgets: how many requests a client may send in a window, each set by an
 * environment variable as `<count>/<window>` (`10/15m`, `600/1m`, `5/1h`, `100/30s`).
 */

export type BudgetName =
  | 'login'
  | 'login-identifier'
  | 'register'
  | 'forgot-password'
  | 'forgot-password-email'
  | 'reset-password'
  | 'admin-login'
  | 'admin-login-identifier'
  | 'public'
  | 'token';

export interface Budget {
  name: BudgetName;
  /** The variable that sets it, named in errors. */
  variable: string;
  points: number;
  durationSeconds: number;
  /**
   * When the counter store cannot be reached: refuse (sign-in and account budgets: an attacker who
   * can slow the database must not get unlimited guesses, and none of them can succeed without the
   * database anyway) or count in this process's memory instead (reads: the cache may still answer).
   */
  failClosed: boolean;
}

const DEFINITIONS: Array<[BudgetName, string, string, boolean]> = [
  // name, variable, default, fail closed
  ['login', 'RATE_LIMIT_LOGIN', '10/15m', true],
  ['login-identifier', 'RATE_LIMIT_LOGIN_IDENTIFIER', '10/15m', true],
  ['register', 'RATE_LIMIT_REGISTER', '5/1h', true],
  ['forgot-password', 'RATE_LIMIT_FORGOT_PASSWORD', '5/1h', true],
  ['forgot-password-email', 'RATE_LIMIT_FORGOT_PASSWORD_EMAIL', '3/1h', true],
  ['reset-password', 'RATE_LIMIT_RESET_PASSWORD', '10/1h', true],
  ['admin-login', 'RATE_LIMIT_ADMIN_LOGIN', '10/15m', true],
  ['admin-login-identifier', 'RATE_LIMIT_ADMIN_LOGIN_IDENTIFIER', '10/15m', true],
  // A reader's browser sends a few requests a page; 600 a minute (10 a second, sustained) is far
  // beyond what a person meets, and still bounds a scraper or a flood from one address.
  ['public', 'RATE_LIMIT_PUBLIC', '600/1m', false],
  // A frontend's server, per API token: all its visitors' uncached requests come from it.
  ['token', 'RATE_LIMIT_TOKEN', '6000/1m', false],
];

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `10/15m` → 10 points per 900 s; anything unreadable stops the start, naming the variable. */
export function parseBudget(variable: string, raw: string): { points: number; durationSeconds: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)?\s*([smhd])?\s*$/i.exec(raw);
  const points = match ? Number(match[1]) : NaN;
  const amount = match ? Number(match[2] ?? (match[3] ? 1 : NaN)) : NaN;
  const durationSeconds = match ? amount * UNITS[(match[3] ?? 's').toLowerCase()] : NaN;
  if (!match || !Number.isSafeInteger(points) || points < 1 || points > 1_000_000_000 || !(durationSeconds >= 1) || durationSeconds > 7 * 86400) {
    throw new Error(`${variable} must be <requests>/<window>, such as 10/15m, 600/1m or 5/1h (window at most 7d), not "${raw}"`);
  }
  return { points, durationSeconds };
}

export function readBudgets(env: NodeJS.ProcessEnv = process.env): Record<BudgetName, Budget> {
  const budgets = {} as Record<BudgetName, Budget>;
  for (const [name, variable, fallback, failClosed] of DEFINITIONS) {
    const raw = env[variable]?.trim() || fallback;
    budgets[name] = { name, variable, failClosed, ...parseBudget(variable, raw) };
  }
  return budgets;
}

/** `900` → `15 minutes`, for messages. */
export function describeWindow(seconds: number): string {
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}
