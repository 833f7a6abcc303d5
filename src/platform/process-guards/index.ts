import { databaseFaultOf, describeForLog } from '../database-faults/classify';

/**
 * A failure inside one request, promise or transaction is that request's
 * error, never the process's: a rejected promise nobody awaited (say a lookup
 * that ran in an aborted transaction) is logged and the worker keeps serving
 * the other requests on it. Node's default would exit, resetting every
 * connection in flight.
 *
 * Thrown errors nobody caught are different: the process may be in a state
 * nobody planned for, so they still end it (the primary starts another worker),
 * except for the ones known to belong to one connection: a database or a
 * socket dropping.
 */

type Logger = { error: (message: string) => void; warn: (message: string) => void };

/** Socket errors that concern one client connection, not the process. */
const CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'HPE_INVALID_METHOD']);

/** Whether an uncaught error is one request's or connection's (log and carry on) rather than the process's. */
export function isRequestScoped(error: unknown): boolean {
  if (databaseFaultOf(error)) return true;
  if (error === null || typeof error !== 'object') return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  // An error PostgreSQL answered (it has a severity): one statement failed, the server is fine.
  if (typeof severity === 'string' && typeof code === 'string') return true;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

let installed: { rejection: (reason: unknown) => void; exception: (error: Error) => void } | undefined;

/** Installs the handlers once per process (again after Strapi's destroy removed every listener). */
export function guardProcess(log: Logger): void {
  if (installed && process.listeners('unhandledRejection').includes(installed.rejection)) return;
  let recent = 0;
  const rejection = (reason: unknown) => {
    // A burst of them is one incident: the first few are logged in full, then one line per 100.
    recent += 1;
    if (recent <= 10 || recent % 100 === 0) {
      log.error(`unhandled promise rejection (the process keeps serving): ${describeForLog(reason)}${stackOf(reason)}`);
    }
    setTimeout(() => {
      recent -= 1;
    }, 60_000).unref();
  };
  const exception = (error: Error) => {
    if (isRequestScoped(error)) {
      log.warn(`uncaught error from one connection (the process keeps serving): ${describeForLog(error)}`);
      return;
    }
    log.error(`uncaught exception; exiting: ${describeForLog(error)}${stackOf(error)}`);
    process.exitCode = 1;
    // Let the log line out, then go: the state of the process is unknown.
    setImmediate(() => process.exit(1));
  };
  process.on('unhandledRejection', rejection);
  process.on('uncaughtException', exception);
  installed = { rejection, exception };
}

/** The stack's frames without its first line: the message may hold SQL and values, the frames do not. */
function stackOf(error: unknown): string {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return '';
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 8);
  return frames.length ? `\n${frames.join('\n')}` : '';
}
