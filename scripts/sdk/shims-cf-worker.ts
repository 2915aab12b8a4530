// What the Lambda bundles resolve `@modelcontextprotocol/server/_shims` to (an esbuild `alias`, see
// SDK_SHIMS_REPLACEMENT in ../build-lambda.ts): the SDK's own `@cfworker/json-schema` validator as the default
// instead of Ajv, and Node's real `process` (so a stdio transport would still work). The SDK selects its shims
// through export conditions (node → Ajv, workerd/browser → cfworker); this module exports the same two names
// from the SDK's public entry points. A server that never validates a JSON Schema (the reference server's
// tools use zod) only constructs the default validator, so the choice costs nothing but start-up code: about
// 125 KiB less to load and compile at a cold start. The cfworker validator passes the conformance
// json-schema-2020-12 scenario (test/conformance/everything-server.ts validates with it).

export { default as process } from 'node:process';
export { CfWorkerJsonSchemaValidator as DefaultJsonSchemaValidator } from '@modelcontextprotocol/server/validators/cf-worker';
