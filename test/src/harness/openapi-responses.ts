import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

type Json = Record<string, unknown>;
interface Operation {
  'x-prefix-match'?: boolean;
  responses: Record<string, { content?: Record<string, { schema?: Json }>; headers?: Record<string, Json> }>;
}

export interface RecordedResponse {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A path template (`/az-tm-{id}`) as a pattern; a template parameter never spans a `/`. */
function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * Checks real answers against an OpenAPI document: the route must be documented (or the answer a 404/405 for a
 * route that is not), the status must be one the operation lists, its required headers present, and a JSON body
 * valid against the listed schema (ajv, JSON Schema 2020-12: the dialect of OpenAPI 3.1).
 */
export function createResponseChecker(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const components = document.components as Json;
  const templates = Object.keys(paths).map((template) => ({ template, pattern: templatePattern(template) }));
  const compiled = new Map<string, ValidateFunction>();

  function validatorFor(key: string, schema: Json): ValidateFunction {
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile({ ...schema, components });
      compiled.set(key, validate);
    }
    return validate;
  }

  return function check(response: RecordedResponse): string[] {
    // express matches `/x/` as `/x` (non-strict routing)
    const asked = response.url.split('?')[0];
    const path = asked.length > 1 ? asked.replace(/\/$/, '') : asked;
    const method = response.method.toLowerCase() === 'head' ? 'get' : response.method.toLowerCase();
    const where = `${response.method} ${response.url.slice(0, 120)} → ${response.status}`;
    const found = templates.find(
      (t) =>
        paths[t.template][method] !== undefined &&
        (t.pattern.test(path) || (paths[t.template][method]['x-prefix-match'] === true && path.startsWith(t.template))),
    );
    if (found === undefined) {
      // The token is checked before routing: an unknown route answers 401 to a caller without one.
      return [401, 404, 405].includes(response.status) ? [] : [`${where}: not in the document`];
    }
    const operation = paths[found.template][method];
    const documented = operation.responses[String(response.status)] ?? operation.responses.default;
    if (documented === undefined) {
      return [`${where}: status not documented (${Object.keys(operation.responses).join(', ')})`];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required === true && response.headers[name.toLowerCase()] === undefined) {
        problems.push(`${where}: header ${name} missing`);
      }
    }
    const type = String(response.headers['content-type'] ?? '').split(';')[0];
    const schema = documented.content?.['application/json']?.schema;
    if (type === 'application/json' && schema !== undefined && response.method !== 'HEAD') {
      let body: unknown;
      try {
        body = JSON.parse(response.text);
      } catch {
        return [...problems, `${where}: body is not JSON`];
      }
      const validate = validatorFor(`${found.template} ${method} ${response.status}`, schema);
      if (!validate(body)) {
        problems.push(
          `${where}: body does not match: ${ajv.errorsText(validate.errors)} in ${response.text.slice(0, 300)}`,
        );
      }
    } else if (
      documented.content !== undefined &&
      response.status !== 304 &&
      response.text !== '' &&
      !(type in documented.content) &&
      !('application/octet-stream' in documented.content)
    ) {
      problems.push(`${where}: content type ${type} not documented`);
    }
    return problems;
  };
}
