import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { env as strapiEnv } from '@strapi/utils';
import databaseConfig from '../../config/database';
import { FLAGS, readFlag, type FlagName } from '../../src/platform/settings';
import * as settings from '../../src/platform/settings';
import { proxyHops } from '../../src/platform/proxy';
import { runStartupChecks } from '../../src/platform/startup-checks';
import { APP_ROOT, STRAPI_BIN } from '../helpers/paths';

/**
 * Every boolean switch is read by one parser (src/platform/settings/flags.ts): true/false, 1/0,
 * yes/no in any case with spaces around, the default when unset or empty, and anything else refused
 * at start with a message naming the variable. Generated: every flag × every spelling.
 */

const TRUE_SPELLINGS = ['true', 'TRUE', 'True', ' true ', '1', ' 1', 'yes', 'YES', 'Yes ', '\tyes'];
const FALSE_SPELLINGS = ['false', 'FALSE', 'False', ' false', '0', '0 ', 'no', 'NO', ' No', 'no\n'];
const BAD_SPELLINGS = ['on', 'off', 'y', 'n', 't', 'f', '2', '-1', '01', '1.0', 'ture', 'yess', 'enabled', 'null', 'undefined', '"true"', 'true false', 'nein', 'ja'];
const NAMES = Object.keys(FLAGS) as FlagName[];

/** What the start-up checks need besides the flags (development: no secrets required). */
const BASE_ENV = { NODE_ENV: 'development', DATABASE_URL: 'postgres://user@127.0.0.1:5432/app' };

/** Runs `use` with `values` in process.env, then puts the previous values back. */
function withEnv<T>(values: Record<string, string | undefined>, use: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const restore = () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return use();
  } finally {
    restore();
  }
}

/** The `ssl` option config/database.ts gives the PostgreSQL client. */
const databaseSsl = () =>
  // knex's `connection` is a union (a URL, an object or a function); config/database.ts always gives the object.
  (databaseConfig({ env: strapiEnv }).connection.connection as { ssl?: unknown }).ssl;

/**
 * How the app itself reads each flag, where a function of its own stands between the flag and its
 * effect: the performance switches fold STOCK_STRAPI in, IS_PROXIED becomes a proxy count, and the
 * database flags become the connection's `ssl` option.
 */
const APP_READINGS: Partial<Record<FlagName, () => boolean>> = {
  STOCK_STRAPI: settings.isStockMode,
  RESPONSE_CACHE: settings.isResponseCacheEnabled,
  GRAPHQL_BATCHING: settings.isGraphqlBatchingEnabled,
  TRANSACTION_FREE_READS: settings.isTransactionFreeReadEnabled,
  ONE_PASS_SANITIZER: settings.isOnePassSanitizerEnabled,
  PUBLISHED_COUNTERS: settings.isPublishedCounterEnabled,
  SQL_STATEMENT_HEADER: settings.isStatementHeaderEnabled,
  IS_PROXIED: () => proxyHops() === 1,
  DATABASE_SSL: () => databaseSsl() !== false,
};

describe.each(NAMES)('%s', (name) => {
  // The other flags unset, so STOCK_STRAPI (or PROXY_HOPS) does not decide for this one.
  const clean = { ...Object.fromEntries(NAMES.map((other) => [other, undefined])), PROXY_HOPS: undefined, READ_TRANSACTIONS: undefined };

  it.each(TRUE_SPELLINGS)('reads %j as true', (spelling) => {
    expect(readFlag(name, { [name]: spelling })).toBe(true);
    expect(() => runStartupChecks({ ...BASE_ENV, [name]: spelling })).not.toThrow();
    const appReading = APP_READINGS[name];
    if (appReading) withEnv({ ...clean, [name]: spelling }, () => expect(appReading()).toBe(true));
  });

  it.each(FALSE_SPELLINGS)('reads %j as false', (spelling) => {
    expect(readFlag(name, { [name]: spelling })).toBe(false);
    expect(() => runStartupChecks({ ...BASE_ENV, [name]: spelling })).not.toThrow();
    const appReading = APP_READINGS[name];
    if (appReading) withEnv({ ...clean, [name]: spelling }, () => expect(appReading()).toBe(false));
  });

  it(`reads unset and empty as its default (${FLAGS[name].default})`, () => {
    for (const spelling of [undefined, '', '  ']) expect(readFlag(name, { [name]: spelling })).toBe(FLAGS[name].default);
  });

  it.each(BAD_SPELLINGS)('refuses %j at start, naming the variable and the value', (spelling) => {
    expect(() => readFlag(name, { [name]: spelling })).toThrow(`${name} must be true or false (or 1/0, yes/no), not "${spelling}"`);
    expect(() => runStartupChecks({ ...BASE_ENV, [name]: spelling })).toThrow(new RegExp(`^Refusing to start: .*\\b${name} must be true or false`));
  });
});

describe('flags together', () => {
  it('a start with several bad flags names every one of them', () => {
    const env = { ...BASE_ENV, RESPONSE_CACHE: 'on', SEED_ON_BOOTSTRAP: 'nope', DATABASE_SSL: 'required' };
    expect(() => runStartupChecks(env)).toThrow(/RESPONSE_CACHE must be .*"on".*SEED_ON_BOOTSTRAP must be .*"nope".*DATABASE_SSL must be .*"required"/);
  });

  it('STOCK_STRAPI=1 turns every performance switch off, whatever each one says', () => {
    withEnv({ STOCK_STRAPI: '1', RESPONSE_CACHE: 'yes', GRAPHQL_BATCHING: '1', TRANSACTION_FREE_READS: 'true', ONE_PASS_SANITIZER: 'YES', PUBLISHED_COUNTERS: '1' }, () => {
      expect(settings.isResponseCacheEnabled()).toBe(false);
      expect(settings.isGraphqlBatchingEnabled()).toBe(false);
      expect(settings.isTransactionFreeReadEnabled()).toBe(false);
      expect(settings.isOnePassSanitizerEnabled()).toBe(false);
      expect(settings.isPublishedCounterEnabled()).toBe(false);
      expect(settings.workerCount()).toBe(1);
    });
  });

  it('DATABASE_SSL_REJECT_UNAUTHORIZED=no keeps TLS but accepts an unverified certificate', () => {
    const ssl = withEnv({ DATABASE_SSL: 'yes', DATABASE_SSL_REJECT_UNAUTHORIZED: 'no' }, databaseSsl);
    expect(ssl).toEqual({ rejectUnauthorized: false });
  });

  it('the retired READ_TRANSACTIONS is refused with the name that replaces it, not ignored', () => {
    for (const value of ['true', 'false']) {
      expect(() => runStartupChecks({ ...BASE_ENV, READ_TRANSACTIONS: value })).toThrow(/READ_TRANSACTIONS is read no more: set TRANSACTION_FREE_READS=false/);
    }
    expect(() => runStartupChecks({ ...BASE_ENV, READ_TRANSACTIONS: '' })).not.toThrow();
  });

  it('a Strapi started with a bad flag exits, naming it', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', PORT: '0', GRAPHQL_BATCHING: 'true', ONE_PASS_SANITIZER: 'maybe' };
    const outcome = await promisify(execFile)(process.execPath, [STRAPI_BIN, 'start'], { cwd: APP_ROOT, env, timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('ONE_PASS_SANITIZER must be true or false (or 1/0, yes/no), not "maybe"');
  });
});
