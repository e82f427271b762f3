// History-API routing: the path is the page, so a link can be typed, shared
// and reloaded (the server answers index.html for every /e/… path).
import { signal } from '@preact/signals';

export type Route =
  | { page: 'events' }
  | { page: 'event'; slug: string }
  | { page: 'day'; slug: string; date: string }
  | { page: 'session'; slug: string; id: number }
  | { page: 'speakers'; slug: string }
  | { page: 'speaker'; slug: string; id: number }
  | { page: 'me'; slug: string }
  | { page: 'watch'; slug: string; room: number; session: number | null }
  | { page: 'not_found' };

export function parse(path: string, search = ''): Route {
  if (path === '/' || path === '') return { page: 'events' };
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'e' || !parts[1]) return { page: 'not_found' };
  const slug = parts[1];
  const [section, arg] = parts.slice(2);
  const id = Number(arg);
  if (parts.length === 2) return { page: 'event', slug };
  if (section === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(arg ?? '')) return { page: 'day', slug, date: arg };
  if (section === 'sessions' && Number.isInteger(id) && id > 0) return { page: 'session', slug, id };
  if (section === 'speakers' && arg === undefined) return { page: 'speakers', slug };
  if (section === 'speakers' && Number.isInteger(id) && id > 0) return { page: 'speaker', slug, id };
  if (section === 'me' && arg === undefined) return { page: 'me', slug };
  if (section === 'watch' && Number.isInteger(id) && id > 0) {
    const session = Number(new URLSearchParams(search).get('session'));
    return { page: 'watch', slug, room: id, session: Number.isInteger(session) && session > 0 ? session : null };
  }
  return { page: 'not_found' };
}

export const route = signal<Route>(parse(location.pathname, location.search));

export function navigate(href: string, replace = false) {
  const url = new URL(href, location.href);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.value = parse(url.pathname, url.search);
  if (!replace) scrollTo(0, 0);
}

addEventListener('popstate', () => {
  route.value = parse(location.pathname, location.search);
});

// Same-origin links to app pages move without a page load.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = (event.target as Element).closest?.('a');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !(url.pathname === '/' || url.pathname.startsWith('/e/'))) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

export const appPath = {
  event: (slug: string) => `/e/${encodeURIComponent(slug)}/`,
  day: (slug: string, date: string) => `/e/${encodeURIComponent(slug)}/day/${date}`,
  session: (slug: string, id: number) => `/e/${encodeURIComponent(slug)}/sessions/${id}`,
  speakers: (slug: string) => `/e/${encodeURIComponent(slug)}/speakers`,
  speaker: (slug: string, id: number) => `/e/${encodeURIComponent(slug)}/speakers/${id}`,
  me: (slug: string) => `/e/${encodeURIComponent(slug)}/me`,
  watch: (slug: string, room: number, session?: number) =>
    `/e/${encodeURIComponent(slug)}/watch/${room}${session ? `?session=${session}` : ''}`,
};
