import crypto from 'node:crypto';

/**
 * Preview links: `?token=<expiry>.<signature>`, where the signature is an HMAC-SHA256, under
 * PREVIEW_SECRET, of the document, the version (draft or published) and the expiry (Unix seconds).
 * A link opens that one version of that one document until it expires (PREVIEW_LINK_LIFETIME
 * seconds after the admin made it, one hour by default); the secret itself never leaves the server.
 */

/** The key preview links are signed with; unset means no draft can be previewed. */
export const previewSecret = (): string => process.env.PREVIEW_SECRET?.trim() ?? '';

const DEFAULT_LIFETIME_SECONDS = 3600;

/** PREVIEW_LINK_LIFETIME, in seconds (60 to 7 days); an unreadable value stops the start. */
export function previewLinkLifetime(): number {
  const raw = process.env.PREVIEW_LINK_LIFETIME?.trim();
  if (raw === undefined || raw === '') return DEFAULT_LIFETIME_SECONDS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 60 || value > 7 * 86400) {
    throw new Error(`PREVIEW_LINK_LIFETIME must be a whole number of seconds from 60 to 604800, not "${raw}"`);
  }
  return value;
}

export type PreviewStatus = 'draft' | 'published';

const signature = (secret: string, documentId: string, status: PreviewStatus, expiry: number) =>
  crypto.createHmac('sha256', secret).update(`preview\n${documentId}\n${status}\n${expiry}`).digest('base64url');

/** A token for one version of one document, valid until `expiry` (Unix seconds). */
export function signPreviewToken(documentId: string, status: PreviewStatus, expiry: number, secret = previewSecret()): string {
  return `${expiry}.${signature(secret, documentId, status, expiry)}`;
}

export type PreviewCheck = { ok: true } | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'secret' };

/**
 * Checks a link's token against the document and version it opens. The signature is compared in
 * constant time; an old link that carries the secret (`?secret=`) is refused as such.
 */
export function checkPreviewToken(
  query: Record<string, unknown>,
  documentId: string,
  status: PreviewStatus,
  nowSeconds = Math.floor(Date.now() / 1000),
): PreviewCheck {
  const secret = previewSecret();
  const token = query.token;
  if (typeof token !== 'string' || token === '') return { ok: false, reason: query.secret !== undefined ? 'secret' : 'missing' };
  if (!secret) return { ok: false, reason: 'invalid' };
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const expiry = Number(match[1]);
  const expected = Buffer.from(signature(secret, documentId, status, expiry));
  const given = Buffer.from(match[2]);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (expiry <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true };
}
