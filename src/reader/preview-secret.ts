import crypto from 'node:crypto';

/** The secret the admin's preview links carry; unset means no draft can be previewed. */
export const previewSecret = (): string => process.env.PREVIEW_SECRET?.trim() ?? '';

/**
 * Compares in constant time: both sides are hashed first, so neither the content nor the length of
 * the real secret leaks through how long a wrong guess takes.
 */
export function isPreviewSecret(candidate: unknown): boolean {
  const secret = previewSecret();
  if (!secret || typeof candidate !== 'string' || candidate === '') return false;
  const digest = (value: string) => crypto.createHash('sha256').update(value).digest();
  return crypto.timingSafeEqual(digest(candidate), digest(secret));
}
