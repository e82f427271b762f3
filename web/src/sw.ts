/// <reference lib="webworker" />
// The service worker. The app shell of one build is cached whole under its
// version (a build's files are listed here by web/build.mjs), so a phone
// runs either the old version or the new one, never a mix; the page swaps
// versions only when the delegate agrees (sw_bridge.ts). API reads go to
// the network first, revalidated with their ETags, and fall back to the
// copy kept here when there is no network (marked with its age). Video
// (/live/, /replay/) and the live socket are never touched.
const sw = self as unknown as ServiceWorkerGlobalScope;
declare const PLENARY_VERSION: string;
declare const PLENARY_SHELL: string[];

const kShell = `plenary-shell-${PLENARY_VERSION}`;
const kAssets = 'plenary-assets';
const kApi = 'plenary-api';
// A weak link gets this long before the kept copy is shown; the network
// answer, when it comes, still refreshes the copy.
const kNetworkPatience = 4000;

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(kShell).then((cache) => cache.addAll(PLENARY_SHELL.map((url) => new Request(url, { cache: 'no-cache' })))));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('plenary-shell-') && name !== kShell) await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

// The page asks for the waiting version once the delegate taps "reload".
sw.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') void sw.skipWaiting();
});

function stamped(response: Response, storedAt: number) {
  const headers = new Headers(response.headers);
  headers.set('X-Plenary-Stored-At', String(storedAt));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function keep(request: Request, response: Response) {
  const headers = new Headers(response.headers);
  headers.set('X-Plenary-Kept-At', String(Date.now()));
  const copy = new Response(await response.clone().arrayBuffer(), { status: response.status, headers });
  await (await caches.open(kApi)).put(request, copy);
}

function offlineProblem() {
  return new Response(JSON.stringify({ type: 'https://plenary.dev/problems/offline', title: 'Offline', status: 503 }), {
    status: 503,
    headers: { 'Content-Type': 'application/problem+json', 'X-Plenary-Offline': '1' },
  });
}

async function apiRead(request: Request): Promise<Response> {
  const cache = await caches.open(kApi);
  const kept = await cache.match(request, { ignoreVary: true });
  const headers = new Headers(request.headers);
  const etag = kept?.headers.get('ETag');
  if (etag) headers.set('If-None-Match', etag);
  const network = fetch(new Request(request, { headers })).then(async (response) => {
    if (response.status === 304 && kept) return kept.clone();
    if (response.ok) await keep(request, response);
    return response;
  });
  if (!kept) return network.catch(offlineProblem);
  if (request.headers.has('X-Plenary-Fresh')) return network.catch(() => stamped(kept.clone(), Number(kept.headers.get('X-Plenary-Kept-At'))));
  const keptAt = Number(kept.headers.get('X-Plenary-Kept-At') ?? Date.now());
  const fallback = () => stamped(kept.clone(), keptAt);
  const patience = new Promise<Response>((resolve) => setTimeout(() => resolve(fallback()), kNetworkPatience));
  return Promise.race([network.catch(fallback), patience]);
}

async function shellOrNetwork(request: Request): Promise<Response> {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // Hashed files of this build that are not in the shell (the player's
  // chunk, hls.js) are kept once fetched, for the next time.
  if (response.ok && new URL(request.url).pathname.startsWith('/assets/')) {
    await (await caches.open(kAssets)).put(request, response.clone());
  }
  return response;
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  const path = url.pathname;
  if (path.startsWith('/live/') || path.startsWith('/replay/') || path === '/api/v1/live') return;
  if (path.startsWith('/api/')) {
    event.respondWith(apiRead(request));
  } else if (request.mode === 'navigate' && (path === '/' || path.startsWith('/e/'))) {
    // Every page of the app is index.html of this version.
    event.respondWith(
      caches
        .open(kShell)
        .then((cache) => cache.match('/index.html'))
        .then((hit) => hit ?? fetch(request)),
    );
  } else {
    event.respondWith(shellOrNetwork(request));
  }
});
export {};
