// The page's side of the service worker: register it, tell when a new
// version is waiting, and switch to it only when the delegate says so, all
// tabs at once (a reload on controllerchange), so no page ever runs old
// code against new files.
import { signal } from '@preact/signals';

export const updateReady = signal(false);
let waiting: ServiceWorker | null = null;

function watch(registration: ServiceWorkerRegistration) {
  const offer = (worker: ServiceWorker | null) => {
    if (worker && navigator.serviceWorker.controller) {
      waiting = worker;
      updateReady.value = true;
    }
  };
  offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer(installing);
    });
  });
}

export async function registerServiceWorker(onControlled: () => void) {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController) location.reload();
    else onControlled();
  });
  try {
    watch(await navigator.serviceWorker.register('/sw.js', { scope: '/' }));
  } catch {
    /* no service worker (private mode): the app works, online only */
  }
}

export function applyUpdate() {
  if (waiting) waiting.postMessage({ type: 'skip-waiting' });
  else location.reload();
}
