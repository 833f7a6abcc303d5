/**
 * Every secret the CMS signs or encrypts with. `.env.example` lists them with
 * placeholder values; scripts/launch.js writes fresh random ones into `.env`
 * for development.
 */
export const SECRET_NAMES = [
  'APP_KEYS',
  'API_TOKEN_SALT',
  'ADMIN_JWT_SECRET',
  'TRANSFER_TOKEN_SALT',
  'ENCRYPTION_KEY',
  'JWT_SECRET',
  'PREVIEW_SECRET',
] as const;

/**
 * Values that are known not to be secret: the placeholder written in
 * `.env.example`, and the one Strapi's own templates ship with.
 */
const PLACEHOLDER_PATTERN = /replace-me|tobemodified|changeme|change-me/i;

type Env = Record<string, string | undefined>;

/** Names each secret that is unset, empty or still a placeholder, with the reason. */
export function findUnsafeSecrets(env: Env): string[] {
  const problems: string[] = [];
  for (const name of SECRET_NAMES) {
    const raw = env[name]?.trim() ?? '';
    // APP_KEYS is a comma-separated list: every key in it must be real.
    const parts = name === 'APP_KEYS' ? raw.split(',').map((part) => part.trim()) : [raw];
    if (parts.every((part) => part === '')) {
      problems.push(`${name} is not set`);
    } else if (parts.some((part) => part === '' || PLACEHOLDER_PATTERN.test(part))) {
      problems.push(`${name} still holds a placeholder value`);
    }
  }
  return problems;
}

/**
 * Refuses a production start with missing or placeholder secrets: a server
 * signing sessions with a published value is worse than no server.
 */
export function assertProductionSecrets(env: Env, nodeEnv: string): void {
  if (nodeEnv !== 'production') return;
  const problems = findUnsafeSecrets(env);
  if (problems.length > 0) {
    throw new Error(
      `Refusing to start in production: ${problems.join('; ')}. ` +
        'Set each one in the environment or in .env (see .env.example); ' +
        "generate a value with `node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"`.",
    );
  }
}
