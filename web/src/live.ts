// The one module that holds the live WebSocket (/api/v1/live): one per open
// app, subscribed to the event and, when signed in, to the delegate's own
// channel, in the chosen language. It comes back by itself (backoff with
// jitter, at once when the phone says it is online again) and resumes each
// channel from the last `seq` it saw, so nothing sent meanwhile is missed.
import { signal } from '@preact/signals';

export type LiveStatus = 'connecting' | 'online' | 'offline';

export interface ChannelMessage {
  type: string;
  channel: string;
  seq: number;
  at: string;
  data: any;
}

export interface LiveHandlers {
  // A message of a followed channel, replayed ones included, in order.
  message(message: ChannelMessage): void;
  // The gap is too old to replay (or this is the first subscription of the
  // visit): read everything again over HTTP.
  refetch(channel: string): void;
}

export const liveStatus = signal<LiveStatus>('connecting');
// When the connection last went down (null while online).
export const offlineSince = signal<number | null>(null);

const kPingEvery = 20_000;
const kPongWithin = 10_000;
const kMaxBackoff = 30_000;

interface Subscription {
  channel: string;
  token?: string;
  lang: string;
}

export class LiveConnection {
  private socket: WebSocket | null = null;
  private seq = new Map<string, number>();
  private subscriptions: Subscription[] = [];
  private attempts = 0;
  private retryTimer: number | undefined;
  private pingTimer: number | undefined;
  private pongTimer: number | undefined;
  private stopped = false;

  constructor(private readonly handlers: LiveHandlers) {
    addEventListener('online', () => this.reconnectNow());
    addEventListener('offline', () => this.drop());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.probe();
    });
  }

  // Follows exactly these channels from now on (language or token changed:
  // the connection is renewed; seqs are kept, so nothing is lost).
  follow(subscriptions: Subscription[]) {
    const same = JSON.stringify(subscriptions) === JSON.stringify(this.subscriptions);
    this.subscriptions = subscriptions;
    if (same && this.socket) return;
    this.drop();
    this.reconnectNow();
  }

  stop() {
    this.stopped = true;
    this.drop();
  }

  private reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    if (!this.socket) this.open();
  }

  private open() {
    if (this.stopped || this.subscriptions.length === 0) return;
    const url = new URL('/api/v1/live', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    liveStatus.value = 'connecting';
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      for (const s of this.subscriptions) {
        const since = this.seq.get(s.channel);
        socket.send(JSON.stringify({ type: 'subscribe', channel: s.channel, lang: s.lang, token: s.token, since }));
      }
      this.schedulePing();
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.down();
      this.retry();
    };
  }

  private receive(text: string) {
    let message: any;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    this.schedulePing();
    switch (message.type) {
      case 'subscribed': {
        liveStatus.value = 'online';
        offlineSince.value = null;
        const seen = this.seq.get(message.channel);
        if (seen === undefined) {
          this.seq.set(message.channel, message.seq);
          this.handlers.refetch(message.channel);
        }
        break;
      }
      case 'refetch':
        this.seq.set(message.channel, message.seq);
        this.handlers.refetch(message.channel);
        break;
      case 'pong':
      case 'error':
        break;
      default:
        if (typeof message.seq === 'number' && message.channel) {
          const seen = this.seq.get(message.channel) ?? 0;
          if (message.seq <= seen) return; // a replay of what was applied
          this.seq.set(message.channel, message.seq);
          this.handlers.message(message as ChannelMessage);
        }
    }
  }

  // An app-level ping when the line has been quiet: a phone that slept or
  // lost its network learns it within seconds instead of at the TCP time-out.
  private schedulePing() {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = window.setTimeout(() => this.probe(), kPingEvery);
  }

  private probe() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      if (!socket) this.reconnectNow();
      return;
    }
    socket.send('{"type":"ping"}');
    clearTimeout(this.pongTimer);
    this.pongTimer = window.setTimeout(() => {
      this.drop();
      this.retry();
    }, kPongWithin);
  }

  private drop() {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    this.down();
  }

  private down() {
    liveStatus.value = 'offline';
    offlineSince.value ??= Date.now();
  }

  // Full jitter: 0.5–1 × min(30 s, 1 s × 2^attempt), so a venue's phones do
  // not all come back in the same second after the Wi-Fi returns.
  private retry() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const ceiling = Math.min(kMaxBackoff, 1000 * 2 ** this.attempts);
    this.attempts += 1;
    this.retryTimer = window.setTimeout(() => this.open(), ceiling * (0.5 + Math.random() / 2));
  }
}
