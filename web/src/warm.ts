// Once a service worker controls the page, the reads a delegate needs
// offline are made once through it, so they open with no network even if
// the delegate never visited those pages (the speakers, their own agenda).
import { delegate, eventPath, get } from './api';
import { slug } from './data';

export async function warmOfflineCache() {
  const s = slug.value;
  if (!s) return;
  const reads = [`${eventPath(s)}/agenda`, `${eventPath(s)}/speakers?limit=200`, `${eventPath(s)}/announcements`];
  if (delegate.value?.event === s) reads.push('/api/v1/me/agenda', '/api/v1/me');
  await Promise.all(reads.map((path) => get(path).catch(() => undefined)));
}
