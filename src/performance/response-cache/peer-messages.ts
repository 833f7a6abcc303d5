/**
 * The messages workers exchange about the answers they compute (peer-answers.ts), relayed by the
 * primary process (scripts/serve.js, which reads them from the build). No imports: the primary
 * loads this without the rest of the app.
 */
export const PEER_MESSAGES = {
  /** worker → primary → the other workers: I am computing this key */
  computing: 'news-cms:cache:computing',
  /** worker → primary → the other workers: the answer to this key (or none) */
  answer: 'news-cms:cache:answer',
} as const;
