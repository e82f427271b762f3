// `/e/{slug}/watch/{room}`: the room's live stream, or a session's replay
// (`?session=`). Loaded only on this page, with hls.js (its full build: the
// light one has no alternate audio); the browser's own HLS where hls.js
// cannot run (older iOS). An audio-language menu names each language in
// its own words; "audio only" plays the stream's low-rate audio for weak
// links and is offered by itself when playback keeps stalling.
import { useEffect, useRef, useState } from 'preact/hooks';
import type Hls from 'hls.js';
import { html } from '../html';
import { delegate, eventPath, get } from '../api';
import { agenda, changes, myRecord, sessionById, slug } from '../data';
import { language, t } from '../i18n';
import { appPath } from '../router';
import { storage } from '../storage';
import { clock, dayLabel, dayOf } from '../time';
import type { StreamInfo, StreamLanguage } from '../types';
import { languageName } from '../labels';

interface AudioRendition {
  language: string;
  name: string;
  uri: string;
  low: boolean;
}

// The EXT-X-MEDIA audio renditions of a master playlist, with URIs made
// absolute (they are relative to the playlist, token included).
function audioRenditions(master: string, base: string): AudioRendition[] {
  const out: AudioRendition[] = [];
  for (const line of master.split('\n')) {
    if (!line.startsWith('#EXT-X-MEDIA:') || !line.includes('TYPE=AUDIO')) continue;
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
    const uri = attr('URI');
    if (!uri) continue;
    out.push({ language: attr('LANGUAGE'), name: attr('NAME'), uri: new URL(uri, base).href, low: attr('GROUP-ID') === 'audio-low' });
  }
  return out;
}

const kStallsBeforeOffer = 3;
const kStallWindow = 60_000;

function Player({ src, languages, title }: { src: string; languages: StreamLanguage[]; title: string }) {
  const media = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const [audioOnly, setAudioOnly] = useState(storage.get('audio-only') === '1');
  const [renditions, setRenditions] = useState<AudioRendition[]>([]);
  const preferred = myRecord.value?.preferred_language ?? language.value;
  const [audioLanguage, setAudioLanguage] = useState<string>(() => {
    const stored = storage.get('audio-language');
    const codes = languages.map((l) => l.code);
    if (stored && codes.includes(stored)) return stored;
    if (codes.includes(preferred)) return preferred;
    return languages.find((l) => l.floor)?.code ?? codes[0] ?? '';
  });
  const [stalls, setStalls] = useState<number[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const offerAudioOnly = !audioOnly && stalls.filter((at) => Date.now() - at < kStallWindow).length >= kStallsBeforeOffer;

  useEffect(() => {
    void fetch(src)
      .then((r) => (r.ok ? r.text() : ''))
      .then((text) => setRenditions(audioRenditions(text, new URL(src, location.href).href)))
      .catch(() => setRenditions([]));
  }, [src]);

  // The source: the master playlist, or in audio-only mode the chosen
  // language's low-rate audio playlist on its own.
  const lowAudio = renditions.find((r) => r.low && r.language === audioLanguage) ?? renditions.find((r) => r.low);
  const source = audioOnly ? lowAudio?.uri ?? null : src;

  useEffect(() => {
    const element = media.current;
    if (!element || !source) return;
    let destroyed = false;
    setProblem(null);
    const stalled = () => setStalls((s) => [...s.slice(-5), Date.now()]);
    element.addEventListener('waiting', stalled);
    void (async () => {
      const { default: HlsClass } = await import('hls.js');
      if (destroyed) return;
      if (HlsClass.isSupported()) {
        const hls = new HlsClass({ lowLatencyMode: false, backBufferLength: 30 });
        hlsRef.current = hls;
        hls.on(HlsClass.Events.MANIFEST_PARSED, () => pickTrack(hls, audioLanguage));
        hls.on(HlsClass.Events.AUDIO_TRACK_SWITCHED, (_e, data) => {
          element.dataset.audioLanguage = hls.audioTracks[data.id]?.lang ?? '';
        });
        hls.on(HlsClass.Events.ERROR, (_e, data) => {
          if (data.details === 'bufferStalledError') stalled();
          if (data.fatal) {
            if (data.type === 'networkError') hls.startLoad();
            else if (data.type === 'mediaError') hls.recoverMediaError();
            else setProblem(t('watch.failed'));
          }
        });
        hls.loadSource(source);
        hls.attachMedia(element);
      } else if (element.canPlayType('application/vnd.apple.mpegurl')) {
        element.src = source;
      } else {
        setProblem(t('watch.unsupported'));
        return;
      }
      element.dataset.mode = audioOnly ? 'audio' : 'video';
      element.dataset.source = source;
      element.play().catch(() => {
        /* autoplay refused: the controls are there */
      });
    })();
    return () => {
      destroyed = true;
      element.removeEventListener('waiting', stalled);
      hlsRef.current?.destroy();
      hlsRef.current = null;
    };
  }, [source]);

  function pickTrack(hls: Hls, code: string) {
    const index = hls.audioTracks.findIndex((track) => track.lang === code);
    if (index >= 0 && index !== hls.audioTrack) hls.audioTrack = index;
    else if (index >= 0 && media.current) media.current.dataset.audioLanguage = code;
  }

  const chooseLanguage = (code: string) => {
    setAudioLanguage(code);
    storage.set('audio-language', code);
    const hls = hlsRef.current;
    if (hls && !audioOnly) pickTrack(hls, code);
    const element = media.current;
    // Native HLS (Safari): its own audio tracks.
    const tracks = (element as any)?.audioTracks;
    if (!hls && tracks) for (let i = 0; i < tracks.length; i++) tracks[i].enabled = tracks[i].language === code;
  };
  const toggleAudioOnly = (on: boolean) => {
    setAudioOnly(on);
    storage.set('audio-only', on ? '1' : '0');
    setStalls([]);
  };

  return html`<div class="player">
    <video ref=${media} controls playsinline class=${audioOnly ? 'audio-only' : ''} aria-label=${title}
      data-audio-language=${audioLanguage}></video>
    ${audioOnly ? html`<p class="hint">${t('watch.audio_only_on')}</p>` : null}
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
    ${offerAudioOnly
      ? html`<div class="announcement important" role="alert"><p>${t('watch.stalling')}</p>
          <button type="button" class="button" onClick=${() => toggleAudioOnly(true)}>${t('watch.switch_audio_only')}</button></div>`
      : null}
    <fieldset class="audio-menu">
      <legend>${t('watch.audio_language')}</legend>
      ${languages.map(
        (l) => html`<label class="choice" lang=${l.floor ? undefined : l.code}>
          <input type="radio" name="audio-language" value=${l.code} checked=${l.code === audioLanguage}
            onChange=${() => chooseLanguage(l.code)} />
          <span>${l.floor ? `${t('watch.floor')}${l.name && l.name !== 'Floor' ? ` (${l.name})` : ''}` : l.name || languageName(l.code)}</span>
        </label>`,
      )}
    </fieldset>
    <label class="choice switch">
      <input type="checkbox" checked=${audioOnly} onChange=${(e: Event) => toggleAudioOnly((e.target as HTMLInputElement).checked)} />
      <span>${t('watch.audio_only')}</span>
    </label>
  </div>`;
}

export function WatchPage({ room, session: replayOf }: { room: number; session: number | null }) {
  const s = slug.value!;
  const [stream, setStream] = useState<StreamInfo | null>(null);
  const [failed, setFailed] = useState(false);
  const sessions = (agenda.value?.days ?? []).flatMap((d) => d.sessions).filter((x) => x.room?.id === room);
  const onAir = sessions.find((x) => x.status === 'live');
  const liveChange = onAir ? changes.value[onAir.id]?.at : undefined;
  const endedChange = Object.entries(changes.value).find(([id, c]) => c.kind === 'ended' && sessions.some((x) => x.id === Number(id)));

  // Read again whenever a session here goes live or ends (session.live,
  // session.ended patch the agenda), and when the delegate signs in.
  useEffect(() => {
    setFailed(false);
    get<StreamInfo & { access?: string }>(`${eventPath(s)}/rooms/${room}/stream`)
      .then(setStream)
      .catch(() => setFailed(true));
  }, [s, room, onAir?.id, liveChange, delegate.value?.token]);

  const roomName = stream?.room.name ?? sessions[0]?.room?.name ?? '';
  if (replayOf !== null) {
    const session = sessionById.value.get(replayOf);
    return html`<main id="main" tabindex="-1">
      <h1>${t('watch.replay_title', { title: session?.title ?? '' })}</h1>
      ${session?.replay
        ? html`<${Player} src=${session.replay.hls} languages=${stream?.languages ?? []} title=${session.title} key=${'replay' + replayOf} />`
        : html`<p>${t('watch.no_replay')}</p>`}
      <p><a href=${appPath.watch(s, room)}>${t('watch.back_live', { room: roomName })}</a></p>
    </main>`;
  }

  // Just ended here: offer its replay at once.
  const ended = endedChange ? sessionById.value.get(Number(endedChange[0])) : undefined;
  const next = sessions.find((x) => Date.parse(x.starts_at) > Date.now() && x.status !== 'cancelled');
  const delegatesOnly = (stream as any)?.access === 'delegates';
  const onAirSession = stream?.session ? sessionById.value.get(stream.session.id) : onAir;

  let body;
  if (failed && !stream) body = html`<p role="alert">${t('watch.unreachable')}</p>`;
  else if (!stream) body = html`<p>${t('loading')}</p>`;
  else if (stream.state === 'live' && !stream.playback && delegatesOnly)
    body = html`<div class="announcement important"><p>${t('watch.delegates_only')}</p>
      <p><a class="button primary" href=${appPath.me(s)}>${t('nav.sign_in')}</a></p></div>`;
  else if (stream.state === 'live' && stream.playback)
    body = html`${onAirSession ? html`<p class="lead"><span class="badge live">${t('status.live')}</span> <a href=${appPath.session(s, onAirSession.id)}>${onAirSession.title}</a></p>` : null}
      <${Player} src=${stream.playback.hls} languages=${stream.languages ?? []} title=${onAirSession?.title ?? roomName} key=${stream.playback.hls} />`;
  else if (ended?.replay)
    body = html`<p class="lead">${t('watch.replay_title', { title: ended.title })}</p>
      <${Player} src=${ended.replay.hls} languages=${stream.languages ?? []} title=${ended.title} key=${'replay' + ended.id} />`;
  else
    body = html`<div class="idle">
      <p>${stream.state === 'reconnecting' ? t('watch.reconnecting') : t('watch.idle')}</p>
      ${next ? html`<p>${t('watch.next', { title: next.title, time: `${dayLabel(dayOf(next.starts_at))} ${clock(next.starts_at)}` })}
        <a href=${appPath.session(s, next.id)}>${t('watch.details')}</a></p>` : null}
    </div>`;
  return html`<main id="main" tabindex="-1">
    <h1>${t('watch.title', { room: roomName })}</h1>
    ${body}
  </main>`;
}
