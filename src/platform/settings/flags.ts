/**
 * Every boolean switch the app reads from the environment, each named for what `true` does, with
 * its default. One parser reads them all: `true`/`false`, `1`/`0`, `yes`/`no`, in any case, spaces
 * trimmed; unset or empty means the default. Anything else stops the start with a message naming
 * the variable: runStartupChecks checks every flag at once, before anything reads one.
 */

type Env = Record<string, string | undefined>;

interface Flag {
  default: boolean;
  /** What `true` does. */
  does: string;
}

export const FLAGS = {
  STOCK_STRAPI: { default: false, does: 'turns every performance change off at once (src/performance), for measuring stock Strapi' },
  RESPONSE_CACHE: { default: true, does: 'answers repeated public and token reads from memory' },
  RESPONSE_CACHE_FAST_PATH: { default: true, does: "answers public cache hits in the HTTP server before Koa (required once on: a start where it cannot install fails)" },
  RESPONSE_CACHE_PEER_ANSWERS: { default: true, does: "has one worker of `npm start` compute a missed read and hand the answer to the others" },
  GRAPHQL_BATCHING: { default: true, does: 'loads GraphQL relation fields in batches per request' },
  TRANSACTION_FREE_READS: { default: true, does: 'runs Document Service reads outside a write without BEGIN/COMMIT' },
  ONE_PASS_SANITIZER: { default: true, does: 'sanitizes REST output in one synchronous pass' },
  PUBLISHED_COUNTERS: { default: true, does: 'answers unfiltered published counts from trigger-kept counters' },
  SQL_STATEMENT_HEADER: { default: false, does: 'adds an X-SQL-Statements header to every answer (a measuring aid)' },
  SEED_ON_BOOTSTRAP: { default: true, does: 'adds the seed content at every start' },
  ADMIN_LAYOUT_RESET: { default: false, does: "applies the project's admin views at start, even over an editor's changes" },
  IS_PROXIED: { default: false, does: 'trusts one proxy in front of the CMS when PROXY_HOPS is not set' },
  DATABASE_SSL: { default: false, does: 'connects to PostgreSQL over TLS' },
  DATABASE_SSL_REJECT_UNAUTHORIZED: { default: true, does: "refuses a PostgreSQL server whose certificate does not verify (with DATABASE_SSL)" },
} as const satisfies Record<string, Flag>;

export type FlagName = keyof typeof FLAGS;

/** Names that are read no more, with what replaces them: a value left set would otherwise be ignored in silence. */
const RETIRED_FLAGS: Record<string, string> = {
  READ_TRANSACTIONS: 'READ_TRANSACTIONS is read no more: set TRANSACTION_FREE_READS=false (what READ_TRANSACTIONS=true did) or leave both unset',
};

const SPELLINGS: Record<string, boolean> = { true: true, 1: true, yes: true, false: false, 0: false, no: false };

/** The one reading of a boolean setting: the fallback when unset or empty, otherwise one of the six spellings. */
export function parseFlag(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  const parsed = SPELLINGS[value];
  if (parsed === undefined) throw new Error(`${name} must be true or false (or 1/0, yes/no), not "${raw}"`);
  return parsed;
}

/** A flag's value now: read at each call, so tests can change it between boots without reloading modules. */
export const readFlag = (name: FlagName, env: Env = process.env): boolean => parseFlag(name, env[name], FLAGS[name].default);

/** Every flag that cannot be read, and every retired name still set, as messages naming the variable. */
export function flagProblems(env: Env = process.env): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(FLAGS) as FlagName[]) {
    try {
      readFlag(name, env);
    } catch (error) {
      // parseFlag throws only Errors, each naming the variable.
      problems.push((error as Error).message);
    }
  }
  for (const [name, problem] of Object.entries(RETIRED_FLAGS)) {
    if (env[name]?.trim()) problems.push(problem);
  }
  return problems;
}

/** Stops the start when any flag cannot be read. */
export function assertFlags(env: Env = process.env): void {
  const problems = flagProblems(env);
  if (problems.length > 0) throw new Error(`Refusing to start: ${problems.join('; ')}.`);
}
