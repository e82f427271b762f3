// The app's frame: header, banners and the page for the route; it wires
// the live connection to the data and keeps <html lang> and the title true.
import { effect, signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { html } from './html';
import { delegate } from './api';
import { signInFromFragment } from './auth';
import { applyEventMessage, applyPersonalMessage, event, loadAgenda, loadAnnouncements, loadError, loadEvent, loadMine, slug } from './data';
import { language, t } from './i18n';
import { changeText } from './labels';
import { LiveConnection } from './live';
import { flush, whenSent } from './offline';
import { route } from './router';
import { registerServiceWorker } from './sw_bridge';
import { warmOfflineCache } from './warm';
import { Banners } from './components/banners';
import { Header } from './components/header';
import { AgendaPage } from './pages/agenda';
import { EventsPage } from './pages/events';
import { MePage, signInProblem } from './pages/me';
import { SessionPage } from './pages/session';
import { SpeakerPage, SpeakersPage } from './pages/speakers';

const kPageTitle: Record<string, string> = {
  events: 'title.events',
  event: 'title.event',
  day: 'title.day',
  session: 'title.session',
  speakers: 'title.speakers',
  speaker: 'title.speaker',
  me: 'title.me',
  watch: 'title.watch',
  not_found: 'title.not_found',
};

// The player and its HLS library load only on the watch page.
type WatchModule = typeof import('./pages/watch');
const watchModule = signal<WatchModule | null>(null);
function loadWatch() {
  if (!watchModule.value) void import('./pages/watch').then((m) => (watchModule.value = m));
}

const live = new LiveConnection({
  message(message) {
    if (message.channel === 'me') applyPersonalMessage(message);
    else applyEventMessage(message, changeText);
  },
  refetch(channel) {
    // Back online: what waits in the queue goes now.
    void flush();
    if (channel === 'me') void loadMine(true);
    else void Promise.all([loadAgenda().catch(() => {}), loadAnnouncements()]);
  },
});

// After a write the delegate's own agenda is read from the server itself.
whenSent(() => void loadMine(true));

// The event in the route is the one loaded and followed.
effect(() => {
  const r = route.value;
  const wanted = 'slug' in r ? r.slug : null;
  if (wanted && wanted !== slug.value) {
    void (async () => {
      const signedIn = await signInFromFragment(wanted);
      if (signedIn === 'failed') signInProblem.value = t('signin.link_failed');
      await loadEvent(wanted);
      void flush();
    })();
  }
});

effect(() => {
  const s = slug.value;
  const who = delegate.value;
  const lang = language.value;
  if (!s) return;
  const token = who && who.event === s ? who.token : undefined;
  live.follow([{ channel: `event:${s}`, lang, token }, ...(token ? [{ channel: 'me', lang, token }] : [])]);
});

// Content in the new language when the delegate switches.
let shownLanguage = language.value;
effect(() => {
  const lang = language.value;
  document.documentElement.lang = lang;
  if (lang !== shownLanguage) {
    shownLanguage = lang;
    if (slug.value) void loadEvent(slug.value);
  }
});

effect(() => {
  const e = event.value;
  const r = route.value;
  document.title = e ? `${e.title} · ${t(kPageTitle[r.page])}` : 'Plenary';
});

void registerServiceWorker(() => void warmOfflineCache());
if (navigator.serviceWorker?.controller) setTimeout(() => void warmOfflineCache(), 3000);

function Page() {
  const r = route.value;
  if (r.page === 'events') return html`<${EventsPage} />`;
  if (r.page === 'not_found' || loadError.value === 'not_found')
    return html`<main id="main" tabindex="-1"><h1>${t('error.not_found')}</h1><p><a href="/">${t('error.home')}</a></p></main>`;
  if (loadError.value === 'offline')
    return html`<main id="main" tabindex="-1"><h1>${t('live.offline')}</h1><p>${t('error.offline_nothing')}</p></main>`;
  if (slug.value !== r.slug) return html`<main id="main" tabindex="-1"><p>${t('loading')}</p></main>`;
  switch (r.page) {
    case 'event':
      return html`<${AgendaPage} home=${true} />`;
    case 'day':
      return html`<${AgendaPage} home=${false} date=${r.date} key=${r.date} />`;
    case 'session':
      return html`<${SessionPage} id=${r.id} key=${r.id} />`;
    case 'speakers':
      return html`<${SpeakersPage} />`;
    case 'speaker':
      return html`<${SpeakerPage} id=${r.id} key=${r.id} />`;
    case 'me':
      return html`<${MePage} />`;
    case 'watch': {
      const loaded = watchModule.value;
      if (!loaded) {
        loadWatch();
        return html`<main id="main" tabindex="-1"><p>${t('loading')}</p></main>`;
      }
      return html`<${loaded.WatchPage} room=${r.room} session=${r.session} key=${`${r.room}-${r.session}`} />`;
    }
  }
}

export function App() {
  // After a move, focus goes to the new page's content, for screen readers
  // and keyboards (not on the first paint).
  useEffect(() => {
    let first = true;
    return route.subscribe(() => {
      if (first) return void (first = false);
      requestAnimationFrame(() => document.getElementById('main')?.focus());
    });
  }, []);
  return html`<a class="skip" href="#main">${t('nav.skip')}</a>
    <${Header} />
    <${Banners} />
    <${Page} />
    <footer class="foot"><p>${t('footer.offline_note')}</p></footer>`;
}
