/**
 * WEBHOOK_SECRET: the Standard Webhooks signing secrets, `whsec_` and base64 of 24 to 64
 * random bytes. Several, comma-separated, newest first, while receivers move to a new
 * one: every delivery is signed with each, and a receiver holding either verifies it.
 * The development `.env` gets a fresh one (`.env.example` holds `whsec_replace-me`);
 * production refuses to start without a real one while a webhook is configured.
 */

type Env = Record<string, string | undefined>;

const SECRET_PATTERN = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const PLACEHOLDER_PATTERN = /replace-me|changeme|change-me/i;

/** What is wrong with WEBHOOK_SECRET as written (nothing when it is unset). */
export function webhookSecretProblems(env: Env = process.env): string[] {
  const raw = env.WEBHOOK_SECRET?.trim() ?? '';
  if (raw === '') return [];
  const problems: string[] = [];
  raw.split(',').forEach((part, index) => {
    const secret = part.trim();
    const which = `WEBHOOK_SECRET (secret ${index + 1})`;
    if (PLACEHOLDER_PATTERN.test(secret)) {
      problems.push(`${which} still holds a placeholder value`);
      return;
    }
    const match = SECRET_PATTERN.exec(secret);
    const bytes = match ? Buffer.from(match[1], 'base64').length : 0;
    if (!match || bytes < 24 || bytes > 64) {
      problems.push(`${which} must be whsec_ followed by base64 of 24 to 64 random bytes`);
    }
  });
  return problems;
}

/** The secrets' keys, newest first; empty when WEBHOOK_SECRET is unset. Throws on a malformed value. */
export function readWebhookSecrets(env: Env = process.env): Buffer[] {
  const problems = webhookSecretProblems(env);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const raw = env.WEBHOOK_SECRET?.trim() ?? '';
  if (raw === '') return [];
  return raw.split(',').map((part) => Buffer.from(part.trim().slice('whsec_'.length), 'base64'));
}

/** A start with a malformed WEBHOOK_SECRET stops, in any environment: a typo must not go unnoticed until a delivery. */
export function assertWebhookSecretFormat(env: Env = process.env): void {
  const problems = webhookSecretProblems(env);
  if (problems.length > 0) {
    throw new Error(`${problems.join('; ')}. Generate one with \`node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"\``);
  }
}

/**
 * In production, a configured webhook needs a real secret: receivers verify what they get,
 * and an unsigned delivery would teach them not to.
 */
export function assertProductionWebhookSecret(env: Env, nodeEnv: string, webhookCount: number): void {
  if (nodeEnv !== 'production' || webhookCount === 0) return;
  if ((env.WEBHOOK_SECRET?.trim() ?? '') === '') {
    throw new Error(
      `Refusing to start in production: WEBHOOK_SECRET is not set and ${webhookCount} webhook(s) are configured ` +
        '(Settings → Webhooks). Set it in the environment or in .env (see .env.example).',
    );
  }
}
