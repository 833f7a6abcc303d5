/**
 * Tags as the X-Ban-Tags header of a Varnish ban (deploy/varnish/default.vcl).
 *
 * The VCL wraps the header in `obj.http.Cache-Tag ~ (^|,\s*)(<header>)(\s*,|$)`, so each tag must reach
 * PCRE as a pattern that matches exactly that string. Varnish splits a ban expression at spaces and takes
 * its regex as written (no unquoting), so the escaped tag must hold no space or quote either. Hence every
 * character outside [A-Za-z0-9_:=-] is written as `\xHH`, its byte: none of the characters left is special
 * to PCRE outside a character class, and the VCL refuses a header holding anything else.
 *
 * Bytes: Varnish matches the bytes of the header. Node accepts Latin-1 characters in a header value
 * (and refuses anything above U+00FF, or a control character), but writes them as one byte each (Latin-1)
 * or as UTF-8, depending on whether the head is sent with a string body: a tag with a character above
 * U+007F is therefore matched in both spellings, two alternatives of the same ban. A tag holding a
 * character no header can carry cannot be matched: the batch bans everything instead (`null` below).
 */

/** Bytes written as themselves. */
const PLAIN_BYTE = /^[A-Za-z0-9_:=-]$/;

function escapeBytes(bytes: Buffer): string {
  let escaped = '';
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    escaped += PLAIN_BYTE.test(character) ? character : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return escaped;
}

/** The PCRE patterns matching the tag as a header carries it (one, or two with non-ASCII), or null when none can. */
export function escapeTagForBan(tag: string): string[] | null {
  let ascii = true;
  for (const character of tag) {
    const code = character.codePointAt(0) as number;
    // What Node refuses in a header value: control characters other than tab, DEL, and beyond Latin-1.
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || code > 0xff) return null;
    if (code > 0x7f) ascii = false;
  }
  const latin1 = escapeBytes(Buffer.from(tag, 'latin1'));
  return ascii ? [latin1] : [latin1, escapeBytes(Buffer.from(tag, 'utf8'))];
}

/** Longest X-Ban-Tags value sent: Varnish refuses request headers over 8 KB (http_req_hdr_len). */
export const MAX_BAN_PATTERN_LENGTH = 6_000;

/**
 * The X-Ban-Tags values for `tags`: escaped tags joined by `|`, as few headers as fit in
 * MAX_BAN_PATTERN_LENGTH each; `'*'` when a tag cannot be matched, so everything is banned.
 */
export function banPatterns(tags: Iterable<string>): string[] | '*' {
  const patterns: string[] = [];
  let current = '';
  for (const tag of new Set(tags)) {
    if (tag === '') continue;
    const escaped = escapeTagForBan(tag)?.join('|');
    if (escaped === undefined || escaped.length > MAX_BAN_PATTERN_LENGTH) return '*';
    if (current !== '' && current.length + 1 + escaped.length > MAX_BAN_PATTERN_LENGTH) {
      patterns.push(current);
      current = '';
    }
    current = current === '' ? escaped : `${current}|${escaped}`;
  }
  if (current !== '') patterns.push(current);
  return patterns;
}
