// The one module that talks to the HTTP API: typed reads and writes, the
// delegate's bearer token, `?lang=`, Idempotency-Keys, problem+json errors.
// Reads go through the service worker, which keeps them for offline use and
// says when an answer came from its cache (X-Plenary-Stored-At).
import { signal } from '@preact/signals';
import { language } from './i18n';
import { storage } from './storage';
import type { Problem } from './types';

export interface Session {
  token: string;
  event: string;
  registration_id: number;
  expires_at: string;
}

// The signed-in delegate, or null.
export const delegate = signal<Session | null>(loadSession());

function loadSession(): Session | null {
  const session = storage.getJson<Session | null>('session', null);
  if (!session || Date.parse(session.expires_at) <= Date.now()) return null;
  return session;
}

export function setDelegate(session: Session | null) {
  storage.setJson('session', session);
  delegate.value = session;
}

// When the newest data on screen was stored, if it came from the offline
// cache rather than the network (null: fresh).
export const staleSince = signal<number | null>(null);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

// No answer at all: offline, or the server unreachable.
export class NetworkError extends Error {}

interface RequestOptions {
  // Wait for the network rather than the kept copy after a few seconds: a
  // read that must show a write just made.
  fresh?: boolean;
  body?: unknown;
  idempotencyKey?: string;
  localized?: boolean;
  signal?: AbortSignal;
}

function withLanguage(path: string) {
  return path + (path.includes('?') ? '&' : '?') + 'lang=' + language.value;
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const session = delegate.value;
  if (session) headers.Authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.fresh) headers['X-Plenary-Fresh'] = '1';
  let response: Response;
  try {
    response = await fetch(options.localized === false ? path : withLanguage(path), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new NetworkError(String(error));
  }
  if (response.status === 503 && response.headers.get('X-Plenary-Offline')) throw new NetworkError('offline');
  if (!response.ok) {
    let problem: Problem = { status: response.status };
    try {
      problem = await response.json();
    } catch {
      /* not problem+json: keep the status */
    }
    // An expired or revoked token signs the delegate out; what they were
    // doing stays on screen, and the sign-in form comes back.
    if (response.status === 401 && session) setDelegate(null);
    throw new ApiError(response.status, problem);
  }
  return response;
}

export async function get<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send('GET', path, options);
  const stored = response.headers.get('X-Plenary-Stored-At');
  staleSince.value = stored ? Number(stored) : null;
  return (await response.json()) as T;
}

export async function write<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}) {
  const response = await send(method, path, { ...options, localized: options.localized ?? false });
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

// An image the API serves only with the token (the badge): an object URL.
export async function blobUrl(path: string): Promise<string> {
  const response = await send('GET', path, { localized: false });
  return URL.createObjectURL(await response.blob());
}

export const eventPath = (slug: string) => `/api/v1/events/${encodeURIComponent(slug)}`;

// Personal reads stay on the phone only while their owner is signed in.
export async function forgetPersonalData() {
  try {
    await caches.delete('plenary-api');
  } catch {
    /* no Cache Storage: nothing kept */
  }
}
