import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { APP_ROOT } from './paths';

/** The committed contract (openapi/openapi.json), and a check of live answers against it. */

type Json = Record<string, unknown>;
export type OpenApiDocument = Json & {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json>; parameters: Record<string, Json> };
};

export const readContract = (): OpenApiDocument =>
  JSON.parse(fs.readFileSync(path.join(APP_ROOT, 'openapi', 'openapi.json'), 'utf8')) as OpenApiDocument;

/**
 * Validates answers against the schema the contract gives an operation's status. A status the
 * operation does not document is a mismatch too.
 */
export function contractChecker(document: OpenApiDocument) {
  // The component schemas as one JSON Schema 2020-12 document ($defs), so ajv resolves every $ref.
  const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll('#/components/schemas/', 'contract#/$defs/')) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'contract', $defs: defs });
  const compiled = new Map<string, ValidateFunction>();

  const resolve = (value: Json): Json => {
    const ref = value.$ref;
    if (typeof ref !== 'string') return value;
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
    const target = (document.components as Record<string, Record<string, Json>>)[kind]?.[name];
    if (!target) throw new Error(`unresolved ${ref}`);
    return target;
  };

  /** The problems of one answer: an empty list when it is what the contract says. */
  function problems(method: string, pathTemplate: string, status: number, body: unknown): string[] {
    const operation = document.paths[pathTemplate]?.[method.toLowerCase()] as Json | undefined;
    if (!operation) return [`the contract has no ${method} ${pathTemplate}`];
    const responses = operation.responses as Record<string, Json>;
    const documented = responses[String(status)];
    if (!documented) return [`${method} ${pathTemplate} does not document status ${status}`];
    const response = resolve(documented);
    const content = response.content as Record<string, { schema: Json }> | undefined;
    if (!content) return body === undefined || body === '' || (typeof body === 'object' && body !== null && Object.keys(body).length === 0) ? [] : ['a body where the contract has none'];
    const schema = content['application/json'].schema;
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(JSON.parse(key.replaceAll('#/components/schemas/', 'contract#/$defs/')) as Json);
      compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  }

  return { problems };
}
