// Calls the coordinator API with the key the user entered; every refusal becomes an ApiError carrying the RFC 9457
// problem details, so views can tell the user what the server said.

const keyName = 'transactions.dashboard.apiKey';

/** The API key lives in sessionStorage: gone when the tab closes, never sent anywhere but this origin. */
export const apiKey = {
  get: () => sessionStorage.getItem(keyName) ?? '',
  set: key => key ? sessionStorage.setItem(keyName, key) : sessionStorage.removeItem(keyName),
};

// What the user can do about a refusal, beyond the server's own words.
const hints = {
  0: 'Check that the coordinator is running.',
  401: 'Enter a valid API key above.',
  403: 'This key lacks the role: manual actions and reconciliation runs need a key with the operator role.',
  409: 'The saga is not in a state that allows this; the page now shows what it allows.',
  429: 'Too many writes with this key; wait and try again.',
};

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    const title = problem?.title ?? (status ? `HTTP ${status}` : 'No answer');
    super(`${status || ''} ${title}`.trim());
    this.status = status;
    this.title = title;
    this.detail = problem?.detail ?? '';
    // Validation problems name each field at fault: { reason: ['...'] }.
    this.errors = Object.entries(problem?.errors ?? {}).map(([field, messages]) => `${field}: ${[messages].flat().join(' ')}`);
    this.hint = status === 429 && retryAfter ? `Too many writes with this key; retry after ${retryAfter} s.` : hints[status] ?? '';
  }
}

/** Sends a request; resolves to { status, data, location } for 2xx, rejects with ApiError otherwise. */
export async function call(path, { method = 'GET', body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  const headers = { Accept: 'application/json' };
  const key = apiKey.get();
  if (key) headers['X-Api-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response;
  try {
    response = await fetch(url, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { title: 'The coordinator did not answer', detail: String(error?.message ?? error) });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 300) };
  }
  if (!response.ok) throw new ApiError(response.status, data, response.headers.get('Retry-After'));
  return { status: response.status, data, location: response.headers.get('Location') };
}

export const get = async (path, query) => (await call(path, { query })).data;
