// Runs graphql-http's GraphQL-over-HTTP server audits against the URL in
// argv[2] and prints one JSON line per audit: {id, name, status, reason}.
// status is ok, notice (MAY), warn (SHOULD) or error (MUST). With
// AUDIT_TOKEN set, every request carries it as a bearer token.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const token = process.env.AUDIT_TOKEN;
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', 'Bearer ' + token);
  return fetch(input, { ...init, headers });
};
for (const r of await auditServer({ url, fetchFn })) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' }));
}
