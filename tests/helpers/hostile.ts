/**
 * What every answer to a hostile request must hold, whatever the case expected:
 * no 5xx, no internal text (SQL, stack traces, file paths, driver messages), no
 * private field, and for callers without a token no draft. The hostile suites
 * (tests/hostile/) check each of their generated cases with `assertSafeAnswer`
 * on top of the case's own expectation.
 */

export interface Answer {
  status: number;
  /** The raw body text (JSON or HTML). */
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Text that only reaches a caller when an internal error leaked. */
const INTERNAL_TEXT: Array<[string, RegExp]> = [
  ['SQL', /\b(select|insert into|update|delete from)\b[^"]{0,200}\b(from|set|where|values|returning)\b\s*["(\w]/i],
  ['SQL', /\bfrom\s+"[a-z_]+"/i],
  ['a PostgreSQL message', /operator does not exist|current transaction is aborted|syntax error at or near|relation "[^"]+" does not exist|column "[^"]+" does not exist|invalid input syntax for type|violates (unique|foreign key|not-null|check) constraint|canceling statement due to/i],
  ['a stack trace', /\n\s+at [\w.<>$[\] ]+ \(|\bat (async )?[\w.$<>]+ \(\/|node:internal\//],
  ['a file path', /\/(node_modules|dist|work|home|root|tmp)\/[\w.-]+\//],
  ['a driver name', /\bknex\b|\bpg-protocol\b|\btarn\b/i],
  ['an internal error name', /\b(TypeError|ReferenceError|RangeError|SyntaxError: Unexpected|Cannot read propert(y|ies) of|is not a function|is not iterable|Maximum call stack)\b/],
];

/** Keys that must never reach a content-API caller. */
const PRIVATE_KEYS = /"(password|resetPasswordToken|confirmationToken|registrationToken|passwordHash|accessKey|lastLogin)"\s*:/;
/** Admin users behind createdBy / updatedBy: their own fields, in any answer. */
const ADMIN_USER_FIELDS = /"(createdBy|updatedBy)"\s*:\s*\{[^}]*"(email|firstname|lastname|username|isActive|blocked)"\s*:/;

export interface SafetyOptions {
  /** The caller has no API token: no draft row may appear. */
  isPublic: boolean;
}

/** Every problem the answer shows, or [] when it is safe. */
export function safetyProblems(answer: Answer, { isPublic }: SafetyOptions): string[] {
  const problems: string[] = [];
  if (answer.status >= 500 && answer.status !== 503) problems.push(`answered ${answer.status}`);
  for (const [what, pattern] of INTERNAL_TEXT) {
    const match = answer.text.match(pattern);
    if (match) problems.push(`carries ${what}: ${JSON.stringify(match[0].slice(0, 120))}`);
  }
  const privateKey = answer.text.match(PRIVATE_KEYS);
  if (privateKey) problems.push(`shows the private field ${privateKey[1]}`);
  if (ADMIN_USER_FIELDS.test(answer.text)) problems.push('shows an admin user behind createdBy/updatedBy');
  if (isPublic && /"publishedAt"\s*:\s*null/.test(answer.text)) problems.push('shows a draft (publishedAt: null) to the public');
  return problems;
}

/** Fails with every problem at once, naming the request, so one run shows the whole class. */
export function assertSafeAnswer(label: string, answer: Answer, options: SafetyOptions): void {
  const problems = safetyProblems(answer, options);
  if (problems.length > 0) {
    throw new Error(`${label}: ${problems.join('; ')}\n${answer.text.slice(0, 400)}`);
  }
}

/** The few fields of a supertest response `assertSafeAnswer` reads. */
export function asAnswer(response: { status: number; text: string; headers: Record<string, string | string[] | undefined> }): Answer {
  return { status: response.status, text: response.text ?? '', headers: response.headers };
}
