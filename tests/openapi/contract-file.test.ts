import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_TYPES } from '../../src/content/search/searched-types';
import { PAGE_SIZE as LIMITS_PAGE_SIZE, SEARCH_LIMITS } from '../../src/limits/page-sizes';
import { buildOpenApiDocument, PAGE_SIZE as CONTRACT_PAGE_SIZE, serializeDocument } from '../../scripts/openapi/document';
import { SEARCH_LIMITS as CONTRACT_SEARCH_LIMITS, SEARCH_TYPES as CONTRACT_SEARCH_TYPES } from '../../scripts/openapi/other-endpoints';
import { contractChecker, readContract } from '../helpers/openapi-contract';
import { APP_ROOT } from '../helpers/paths';

/**
 * The committed contract (openapi/openapi.json and its types) is what `npm run openapi`
 * writes from today's content-type schemas, and it is a document a client generator and
 * a JSON Schema validator accept.
 */

test('openapi/openapi.json is what `npm run openapi` builds from the content-type schemas now (not stale)', () => {
  const committed = fs.readFileSync(path.join(APP_ROOT, 'openapi', 'openapi.json'), 'utf8');
  const regenerated = serializeDocument(buildOpenApiDocument(APP_ROOT));
  // On failure: run `npm run openapi` and commit the result.
  expect(JSON.parse(committed)).toEqual(JSON.parse(regenerated));
  expect(committed).toBe(regenerated);
});

test('openapi/openapi.d.ts is what openapi-typescript makes of it (`npm run openapi -- --check`)', () => {
  // openapi-typescript loads ES modules jest cannot: the check runs in node itself.
  const check = spawnSync(process.execPath, [path.join(APP_ROOT, 'scripts', 'openapi', 'index.js'), '--check'], { encoding: 'utf8' });
  expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  expect(check.stdout).toContain('openapi/openapi.d.ts is up to date');
});

test('the contract states the page sizes src/limits enforces', () => {
  expect(CONTRACT_PAGE_SIZE).toEqual({ default: LIMITS_PAGE_SIZE.default, max: LIMITS_PAGE_SIZE.max });
});

test("the contract states search's limits and types as src/limits and src/content/search have them", () => {
  expect(CONTRACT_SEARCH_LIMITS).toEqual({ ...SEARCH_LIMITS });
  expect(CONTRACT_SEARCH_TYPES).toEqual([...SEARCH_TYPES]);
  const { paths, components } = readContract();
  const parameters = (paths['/api/search'].get.parameters as Array<{ name?: string; schema?: Record<string, unknown> }>);
  expect(parameters.find((parameter) => parameter.name === 'q')?.schema).toMatchObject({ maxLength: SEARCH_LIMITS.maxQueryLength });
  expect(components.schemas.SearchType).toMatchObject({ enum: [...SEARCH_TYPES] });
});

test('every reference resolves and every schema compiles under JSON Schema 2020-12 (strict)', () => {
  const document = readContract();
  const text = JSON.stringify(document);
  const refs = new Set([...text.matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]));
  expect(refs.size).toBeGreaterThan(10);
  for (const ref of refs) {
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
    expect({ ref, found: Boolean((document.components as Record<string, Record<string, unknown>>)[kind]?.[name]) }).toEqual({ ref, found: true });
  }
  // A status the operation lists must check: compiling every documented answer compiles every schema.
  const checker = contractChecker(document);
  for (const [pathTemplate, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method === 'parameters') continue;
      for (const status of Object.keys((operation as { responses: Record<string, unknown> }).responses)) {
        expect(Array.isArray(checker.problems(method, pathTemplate, Number(status), {}))).toBe(true);
      }
    }
  }
});

test('documentId is a string and relations are the populated entries, for every type', () => {
  const { components } = readContract();
  for (const name of ['Article', 'Person', 'Event']) {
    const schema = components.schemas[name] as { properties: Record<string, Record<string, unknown>>; required: string[] };
    expect(schema.required).toEqual(['id', 'documentId']);
    expect(schema.properties.documentId).toEqual({ $ref: '#/components/schemas/DocumentId' });
  }
  expect(components.schemas.DocumentId).toMatchObject({ type: 'string' });
  expect((components.schemas.Article as { properties: Record<string, unknown> }).properties.people).toMatchObject({
    type: 'array',
    items: { $ref: '#/components/schemas/Person' },
  });
  expect((components.schemas.Event as { properties: Record<string, unknown> }).properties.participants).toMatchObject({
    type: 'array',
    items: { $ref: '#/components/schemas/Person' },
  });
});
