import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { APP_ROOT, STRAPI_BIN } from '../helpers/paths';

const COMMITTED = path.join(APP_ROOT, 'types', 'generated');
const FRESH_RELATIVE = path.join('tests', 'artifacts', 'types-check');

describe('generated content-type types', () => {
  it('types/generated matches the schemas (run `npm run types:generate` after a schema change)', async () => {
    fs.rmSync(path.join(APP_ROOT, FRESH_RELATIVE), { recursive: true, force: true });
    await promisify(execFile)(process.execPath, [STRAPI_BIN, 'ts:generate-types', '--silent', '--out-dir', FRESH_RELATIVE], {
      cwd: APP_ROOT,
      env: process.env,
      timeout: 60_000,
    });
    const fresh = path.join(APP_ROOT, FRESH_RELATIVE, 'generated');
    const files = fs.readdirSync(COMMITTED).sort();
    expect(fs.readdirSync(fresh).sort()).toEqual(files);
    for (const file of files) {
      expect(`${file}:\n${fs.readFileSync(path.join(fresh, file), 'utf8')}`).toBe(
        `${file}:\n${fs.readFileSync(path.join(COMMITTED, file), 'utf8')}`,
      );
    }
  });
});
