// GraphQL over HTTP to this server: the page's operations (the .graphql
// files of graph/dashboard/operations, inlined into the page by the
// server) sent with the caller's credential, which is kept for this
// browser tab only (sessionStorage) and never in a URL.

const operations = JSON.parse(document.getElementById('operations').textContent);
export const endpoint = new URL(document.body.dataset.endpoint, location.href);

const tokenKey = 'postclear.token';

// ApiError is a GraphQL or HTTP error, with the code the server gave
// (extensions.code: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, …).
export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export const credential = {
  get: () => sessionStorage.getItem(tokenKey) || '',
  // A pasted "Bearer …" is taken as the token it carries.
  set: (token) => sessionStorage.setItem(tokenKey, token.trim().replace(/^Bearer\s+/i, '')),
  clear: () => sessionStorage.removeItem(tokenKey),
  // The Authorization header value, or '' without a credential.
  header() {
    const token = this.get();
    return token ? 'Bearer ' + token : '';
  },
};

// operationText returns the text of the named operation.
export function operationText(name) {
  const doc = operations[name];
  if (!doc) throw new Error(`the page has no operation ${name}`);
  return doc;
}

function headers(extra) {
  const h = { ...extra };
  const auth = credential.header();
  if (auth) h.Authorization = auth;
  return h;
}

// errorOf reads the first error of a GraphQL-shaped answer.
function errorOf(body, status) {
  const e = body && body.errors && body.errors[0];
  if (e) return new ApiError(e.message, (e.extensions && e.extensions.code) || 'ERROR', status);
  return new ApiError(`the server answered ${status}`, 'HTTP_' + status, status);
}

// query runs the named operation and returns its data, or throws an
// ApiError.
export async function query(name, variables = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' }),
    body: JSON.stringify({ query: operationText(name), operationName: name, variables }),
  });
  let body = null;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`the server answered ${res.status} without a GraphQL response`, 'HTTP_' + res.status, res.status);
  }
  if (!res.ok || (body.errors && body.errors.length)) throw errorOf(body, res.status);
  return body.data;
}

// download fetches a file of this server with the credential (a link
// could not send it) and saves it under its server-given name.
export async function download(path) {
  const res = await fetch(new URL(path, location.href), { headers: headers({}) });
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      // not a GraphQL-shaped error
    }
    throw errorOf(body, res.status);
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '');
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement('a'), { href: url, download: name ? name[1] : path.split('/').pop() });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
