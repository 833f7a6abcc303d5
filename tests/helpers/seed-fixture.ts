import { loadSeedContent } from '../../src/content/seed/seed-content';
import { APP_ROOT } from './paths';

/** The seed files as the app reads them: the expected values of the content suites. */
export const seed = loadSeedContent(APP_ROOT);
export const seededArticle = seed.articles[0];
