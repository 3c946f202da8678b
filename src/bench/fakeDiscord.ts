import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

/**
 * A stand-in for Discord on 127.0.0.1: the REST API routes the bot uses and a JSON (uncompressed) gateway that
 * speaks HELLO / IDENTIFY / READY / GUILD_CREATE / RESUME / heartbeats. The real discord.js client connects to it
 * with `rest.api = fake.apiUrl`. Everything the bot sends is recorded in `requests` for the tests to inspect.
 */

export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, with `@original` decoded. */
  path: string;
  query: URLSearchParams;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  time: number;
  status: number;
}

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  remaining: number;
}

export interface Actor {
  userId?: string;
  username?: string;
  guildId?: string | null;
  channelId?: string;
  /** Member permission bits as a decimal string (guild only). Default: everything but Administrator/ManageGuild. */
  permissions?: string;
  /** The bot's permissions in the channel, as the interaction payload reports them. */
  appPermissions?: string;
  locale?: string;
  /** Use this interaction token (to aim a fault at one interaction before it is sent). */
  interactionToken?: string;
}

const GUILD_TEXT = 0;
const DM = 1;
/** View Channel, Send Messages, Embed Links, Read Message History, Create Public Threads, Send in Threads. */
export const BOT_CHANNEL_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 35n) | (1n << 38n));
export const MEMBER_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n));
export const MANAGE_GUILD = String((1n << 5n) | BigInt(MEMBER_PERMISSIONS));

let snowflakeCounter = 0n;
/** Snowflakes that increase with time, as Discord's do (discord.js sorts messages by them). */
export function snowflake(): string {
  snowflakeCounter += 1n;
  return String(((BigInt(Date.now()) - 1420070400000n) << 22n) + (snowflakeCounter % 4096n));
}

export function newInteractionToken(): string {
  return `itok_${randomBytes(12).toString('hex')}`;
}

export function fakeToken(appId: string): string {
  return `${Buffer.from(appId).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
}

export class FakeDiscord {
  readonly appId = snowflake();
  readonly token = fakeToken(this.appId);
  readonly botUserId = this.appId;
  readonly guildId = snowflake();
  readonly channelId = snowflake();
  readonly requests: RecordedRequest[] = [];
  identifyCount = 0;
  resumeCount = 0;
  /** What GET /gateway/bot recommends (SHARD_COUNT=auto). */
  recommendedShards = 1;
  /** Extra guilds (addGuild), each with one text channel. */
  readonly guilds = new Map<string, { channelId: string }>();
  /** Application commands registered with PUT, by route. */
  readonly registeredCommands = new Map<string, unknown[]>();

  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly faults: Fault[] = [];
  private readonly waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private readonly messages = new Map<string, any[]>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  private readonly channels = new Map<string, { id: string; type: number; guild_id?: string; parent_id?: string; owner_id?: string; name?: string }>();
  /** Files users attached, served from the loopback CDN route (/cdn/attachments/<id>/<name>). */
  private readonly attachments = new Map<string, { meta: Record<string, unknown>; bytes: Uint8Array }>();
  private sequence = 0;
  private sessionId = randomBytes(8).toString('hex');
  /** Each gateway connection's [shard, shard count] from its IDENTIFY, and its session (for RESUME). */
  private readonly shardOf = new Map<WebSocket, [number, number]>();
  private readonly sessions = new Set<string>();
  private port = 0;

  private constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket) => this.onGateway(socket));
    this.channels.set(this.channelId, { id: this.channelId, type: GUILD_TEXT, guild_id: this.guildId, name: 'general' });
    this.guilds.set(this.guildId, { channelId: this.channelId });
  }

  /**
   * Another guild with a text channel; with `onShard`, its id is chosen so that Discord's rule
   * (guild_id >> 22) % shard_count puts it on that shard.
   */
  addGuild(onShard?: { shard: number; count: number }): { guildId: string; channelId: string } {
    let guildId = snowflake();
    if (onShard) {
      const count = BigInt(onShard.count);
      const time = BigInt(guildId) >> 22n;
      guildId = String(((time - (time % count) + BigInt(onShard.shard)) << 22n) + (BigInt(guildId) & 4095n));
    }
    const channelId = snowflake();
    this.channels.set(channelId, { id: channelId, type: GUILD_TEXT, guild_id: guildId, name: 'general' });
    this.guilds.set(guildId, { channelId });
    return { guildId, channelId };
  }

  /** The shard Discord would deliver a guild's events on (DMs go to shard 0). */
  static shardFor(guildId: string | null | undefined, count: number): number {
    return guildId ? Number((BigInt(guildId) >> 22n) % BigInt(count)) : 0;
  }

  /** The shards connected now, as [shard, count] (empty for unsharded clients). */
  connectedShards(): [number, number][] {
    return [...this.shardOf.entries()].filter(([socket]) => socket.readyState === WebSocket.OPEN).map(([, shard]) => shard);
  }

  static async start(): Promise<FakeDiscord> {
    const fake = new FakeDiscord();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get openConnections(): number {
    return [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  /** The next `times` requests matching method + path get `status` (a JSON error body). */
  fail(method: string, path: RegExp, status: number, times = Number.POSITIVE_INFINITY): void {
    this.faults.push({ method, path, status, remaining: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Resolves with the first recorded request (past or future) matching `match`. */
  waitForRequest(match: (r: RecordedRequest) => boolean, timeoutMs = 10_000): Promise<RecordedRequest> {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`timed out waiting for a request; saw: ${this.requests.slice(-8).map((r) => `${r.method} ${r.path}`).join(' | ')}`));
      }, timeoutMs);
      const waiter = { match, resolve: (r: RecordedRequest) => { clearTimeout(timer); resolve(r); } };
      this.waiters.push(waiter);
    });
  }

  requestsFor(interactionToken: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(`/${interactionToken}`));
  }

  /** Waits for the bot's final word on an interaction: the edit of @original, or a non-deferred reply. */
  waitForFinal(interactionToken: string, timeoutMs = 10_000): Promise<RecordedRequest> {
    return this.waitForRequest(
      (r) =>
        r.path.includes(`/${interactionToken}`) &&
        ((r.method === 'PATCH' && r.path.endsWith('/messages/@original')) || (r.method === 'POST' && r.path.endsWith('/callback') && r.body?.type === 4)),
      timeoutMs,
    );
  }

  // ---------------------------------------------------------------- gateway

  dispatch(event: string, data: unknown): void {
    this.sequence += 1;
    const payload = JSON.stringify({ op: 0, t: event, s: this.sequence, d: data });
    // A sharded client gets only its own guilds' events (and shard 0 the DMs), as from Discord.
    const guildId = (data as { guild_id?: string } | null)?.guild_id;
    for (const socket of this.sockets) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      const shard = this.shardOf.get(socket);
      if (shard && FakeDiscord.shardFor(guildId, shard[1]) !== shard[0]) continue;
      socket.send(payload);
    }
  }

  /** Cuts every gateway connection without a close frame, as a network failure would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  private onGateway(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.shardOf.delete(socket);
    });
    socket.on('error', () => undefined);
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { op: number; d: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (message.op === 1) socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (message.op === 2) this.onIdentify(socket, message.d);
      else if (message.op === 6) this.onResume(socket, message.d);
    });
  }

  private send(socket: WebSocket, event: string, data: unknown): void {
    this.sequence += 1;
    socket.send(JSON.stringify({ op: 0, t: event, s: this.sequence, d: data }));
  }

  private onIdentify(socket: WebSocket, data: { token: string; shard?: [number, number] }): void {
    if (data.token !== this.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    this.identifyCount += 1;
    this.sessionId = randomBytes(8).toString('hex');
    this.sessions.add(this.sessionId);
    const shard = Array.isArray(data.shard) && data.shard[1] > 1 ? data.shard : undefined;
    if (shard) this.shardOf.set(socket, shard);
    const mine = [...this.guilds.keys()].filter((id) => !shard || FakeDiscord.shardFor(id, shard[1]) === shard[0]);
    this.send(socket, 'READY', {
      v: 10,
      user: this.botUser(),
      guilds: mine.map((id) => ({ id, unavailable: true })),
      session_id: this.sessionId,
      resume_gateway_url: this.gatewayUrl,
      application: { id: this.appId, flags: 0 },
      private_channels: [],
      ...(shard ? { shard } : {}),
    });
    for (const id of mine) this.send(socket, 'GUILD_CREATE', this.guildPayload(id));
  }

  private onResume(socket: WebSocket, data: { token: string; session_id: string }): void {
    if (data.token !== this.token || !this.sessions.has(data.session_id)) {
      socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    this.resumeCount += 1;
    this.send(socket, 'RESUMED', {});
  }

  botUser() {
    return { id: this.botUserId, username: 'briefing-bot', discriminator: '0000', global_name: null, avatar: null, bot: true };
  }

  user(id: string, username = `user${id.slice(-4)}`) {
    return { id, username, discriminator: '0', global_name: username, avatar: null };
  }

  private guildPayload(guildId = this.guildId) {
    return {
      id: guildId,
      name: 'Briefing test guild',
      icon: null,
      owner_id: snowflake(),
      unavailable: false,
      member_count: 2,
      large: false,
      features: [],
      roles: [{ id: guildId, name: '@everyone', permissions: MEMBER_PERMISSIONS, position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      channels: [...this.channels.values()].filter((c) => c.guild_id === guildId && c.type === GUILD_TEXT).map((c) => ({ ...c, position: 0, permission_overwrites: [] })),
      threads: [],
      members: [{ user: this.botUser(), roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false }],
      emojis: [],
      stickers: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      joined_at: new Date().toISOString(),
      preferred_locale: 'en-US',
    };
  }

  // ---------------------------------------------------------------- things users do

  /**
   * A file a user attaches to a slash command option (type 11, value = the returned id): served from this
   * stand-in's loopback CDN. `size` may be set to lie about the size, as a hostile client could.
   */
  addAttachment(filename: string, bytes: Uint8Array, options: { contentType?: string; size?: number } = {}): string {
    const id = snowflake();
    const url = `http://127.0.0.1:${this.port}/cdn/attachments/${id}/${encodeURIComponent(filename)}`;
    const meta = { id, filename, size: options.size ?? bytes.length, url, proxy_url: url, ...(options.contentType ? { content_type: options.contentType } : {}) };
    this.attachments.set(id, { meta, bytes });
    return id;
  }

  /** A slash command arrives. Returns the interaction's id and token (the token names its webhook routes). */
  sendSlash(name: string, options: { name: string; type: number; value: unknown }[] = [], actor: Actor = {}): { id: string; token: string; sentAt: number } {
    // Attachment options carry only an id; Discord sends the file's details in data.resolved.attachments.
    const attached = options.filter((o) => o.type === 11).map((o) => this.attachments.get(String(o.value))?.meta).filter(Boolean) as Record<string, unknown>[];
    const resolved = attached.length ? { resolved: { attachments: Object.fromEntries(attached.map((a) => [a.id, a])) } } : {};
    return this.sendInteraction(2, { id: snowflake(), name, type: 1, options, ...resolved }, actor);
  }

  /** A button click on a message the bot sent. */
  sendButton(customId: string, actor: Actor = {}, message?: any): { id: string; token: string; sentAt: number } { // eslint-disable-line @typescript-eslint/no-explicit-any
    const channelId = actor.channelId ?? this.channelId;
    const shown = message ?? { id: snowflake(), channel_id: channelId, author: this.botUser(), content: '', embeds: [], components: [] };
    return this.sendInteraction(3, { custom_id: customId, component_type: 2 }, actor, this.asMessage(shown, channelId));
  }

  private sendInteraction(type: number, data: unknown, actor: Actor, message?: unknown): { id: string; token: string; sentAt: number } {
    const id = snowflake();
    const token = actor.interactionToken ?? newInteractionToken();
    const userId = actor.userId ?? '100000000000000001';
    const guildId = actor.guildId === undefined ? this.guildId : actor.guildId;
    const user = this.user(userId, actor.username);
    const inGuild = guildId !== null;
    const channelId = actor.channelId ?? (inGuild ? (this.guilds.get(guildId)?.channelId ?? this.channelId) : snowflake());
    const payload: Record<string, unknown> = {
      id,
      application_id: this.appId,
      type,
      data,
      token,
      version: 1,
      locale: actor.locale ?? 'en-US',
      channel_id: channelId,
      channel: inGuild ? { id: channelId, type: GUILD_TEXT, guild_id: guildId, name: 'general' } : { id: channelId, type: DM, recipients: [user] },
      app_permissions: actor.appPermissions ?? BOT_CHANNEL_PERMISSIONS,
      entitlements: [],
      authorizing_integration_owners: inGuild ? { '0': guildId } : { '1': userId },
      context: inGuild ? 0 : 1,
      ...(message ? { message } : {}),
    };
    if (inGuild) {
      payload.guild_id = guildId;
      payload.guild_locale = 'en-US';
      payload.member = { user, roles: [], permissions: actor.permissions ?? MEMBER_PERMISSIONS, joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
    } else {
      payload.user = user;
    }
    const sentAt = performance.now();
    this.dispatch('INTERACTION_CREATE', payload);
    return { id, token, sentAt };
  }

  /** A user posts a message (optionally mentioning the bot) in a guild channel, thread or DM. */
  sendMessage(options: { content: string; userId?: string; channelId?: string; dm?: boolean; mentionBot?: boolean; bot?: boolean; authorId?: string }) {
    const userId = options.userId ?? '100000000000000002';
    const author = options.bot ? { ...this.user(options.authorId ?? snowflake(), 'otherbot'), bot: true } : this.user(userId);
    const channelId = options.channelId ?? (options.dm ? this.dmChannel(userId) : this.channelId);
    const channel = this.channels.get(channelId);
    const guildId = channel?.guild_id;
    const message = {
      id: snowflake(),
      channel_id: channelId,
      author,
      content: options.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: options.mentionBot ? [this.botUser()] : [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      // Discord says what kind of channel it is, so clients can build a partial DM channel they never cached.
      channel_type: channel?.type ?? GUILD_TEXT,
      ...(guildId ? { guild_id: guildId, member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false } } : {}),
    };
    this.store(channelId, message);
    this.dispatch('MESSAGE_CREATE', message);
    return message;
  }

  dmChannel(userId: string): string {
    const existing = [...this.channels.values()].find((c) => c.type === DM && c.owner_id === userId);
    if (existing) return existing.id;
    const id = snowflake();
    this.channels.set(id, { id, type: DM, owner_id: userId });
    return id;
  }

  messagesIn(channelId: string): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.messages.get(channelId) ?? [];
  }

  threadsCreated(): { id: string; name?: string; parent_id?: string }[] {
    return [...this.channels.values()].filter((c) => c.type === 11);
  }

  private store(channelId: string, message: unknown): void {
    const list = this.messages.get(channelId) ?? [];
    list.push(message);
    this.messages.set(channelId, list);
  }

  private asMessage(body: any, channelId: string) { // eslint-disable-line @typescript-eslint/no-explicit-any
    return {
      id: body.id ?? snowflake(),
      channel_id: body.channel_id ?? channelId,
      author: body.author ?? this.botUser(),
      content: body.content ?? '',
      timestamp: body.timestamp ?? new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      pinned: false,
      type: body.type ?? 0,
      flags: body.flags ?? 0,
      ...(body.message_reference ? { message_reference: body.message_reference } : {}),
    };
  }

  // ---------------------------------------------------------------- REST

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const method = req.method ?? 'GET';
    const reply = (status: number, data?: unknown) => {
      const record: RecordedRequest = { method, path, query: url.searchParams, body, time: performance.now(), status };
      this.requests.push(record);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(record)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(record);
        }
      }
      if (data === undefined) {
        res.writeHead(status).end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
      }
    };

    let cdn: RegExpMatchArray | null;
    if (method === 'GET' && (cdn = url.pathname.match(/^\/cdn\/attachments\/(\d+)\//))) {
      // The CDN needs no token, like Discord's signed attachment URLs.
      const file = this.attachments.get(cdn[1]);
      this.requests.push({ method, path: url.pathname, query: url.searchParams, body: null, time: performance.now(), status: file ? 200 : 404 });
      if (!file) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length }).end(file.bytes);
    }
    const isWebhook = path.startsWith('/webhooks/') || path.startsWith('/interactions/');
    if (!isWebhook && req.headers.authorization !== `Bot ${this.token}`) return reply(401, { message: '401: Unauthorized', code: 0 });
    const fault = this.faults.find((f) => f.method === method && f.path.test(path) && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      return reply(fault.status, { message: 'Internal Server Error (stand-in fault)', code: 0 });
    }

    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return reply(200, { url: this.gatewayUrl, shards: this.recommendedShards, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 16 } });
    }
    if (method === 'GET' && path === '/gateway') return reply(200, { url: this.gatewayUrl });
    if (method === 'GET' && path === '/applications/@me') return reply(200, { id: this.appId, name: 'briefing-bot', bot: this.botUser(), flags: 0 });
    if (method === 'GET' && path === '/users/@me') return reply(200, this.botUser());
    if ((m = path.match(/^\/applications\/(\d+)(\/guilds\/\d+)?\/commands$/))) {
      if (m[1] !== this.appId) return reply(404, { message: 'Unknown Application', code: 10002 });
      if (method === 'PUT') {
        const commands = (body as { name: string }[]).map((c) => ({ ...c, id: snowflake(), application_id: this.appId, version: snowflake() }));
        this.registeredCommands.set(path, commands);
        return reply(200, commands);
      }
      if (method === 'GET') return reply(200, this.registeredCommands.get(path) ?? []);
    }
    if (method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      const data = body as { type: number; data?: Record<string, unknown> };
      if (data.type === 4) this.store(`interaction:${m[2]}`, this.asMessage({ ...data.data, id: snowflake() }, this.channelId));
      return reply(204);
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/))) {
      const message = this.asMessage({ ...(body as object), id: snowflake() }, this.channelId);
      if (method === 'PATCH') return reply(200, message);
      if (method === 'DELETE') return reply(204);
      if (method === 'GET') return reply(200, message);
    }
    if (method === 'POST' && (m = path.match(/^\/webhooks\/(\d+)\/([^/]+)$/))) {
      return reply(200, this.asMessage({ ...(body as object), id: snowflake() }, this.channelId));
    }
    if ((m = path.match(/^\/channels\/(\d+)\/typing$/)) && method === 'POST') return reply(204);
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/))) {
      const channelId = m[1];
      if (method === 'POST') {
        const message = this.asMessage({ ...(body as object), id: snowflake(), author: this.botUser() }, channelId);
        const channel = this.channels.get(channelId);
        const full = channel?.guild_id ? { ...message, guild_id: channel.guild_id } : message;
        this.store(channelId, full);
        return reply(200, full);
      }
      if (method === 'GET') {
        const limit = Number(url.searchParams.get('limit') ?? 50);
        return reply(200, [...this.messagesIn(channelId)].reverse().slice(0, limit));
      }
    }
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const found = this.messagesIn(m[1]).find((msg) => msg.id === m![2]);
      return found ? reply(200, found) : reply(404, { message: 'Unknown Message', code: 10008 });
    }
    if (method === 'POST' && (m = path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/))) {
      const parent = this.channels.get(m[1]);
      const thread = {
        id: m[2],
        type: 11,
        guild_id: parent?.guild_id ?? this.guildId,
        parent_id: m[1],
        owner_id: this.botUserId,
        name: (body as { name: string }).name,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
        member: { id: m[2], user_id: this.botUserId, join_timestamp: new Date().toISOString(), flags: 0 },
        total_message_sent: 0,
      };
      this.channels.set(thread.id, thread);
      reply(201, thread);
      this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return;
    }
    if (method === 'GET' && (m = path.match(/^\/channels\/(\d+)$/))) {
      const channel = this.channels.get(m[1]);
      return channel ? reply(200, channel) : reply(404, { message: 'Unknown Channel', code: 10003 });
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = (body as { recipient_id: string }).recipient_id;
      return reply(200, { id: this.dmChannel(recipient), type: DM, recipients: [this.user(recipient)] });
    }
    return reply(404, { message: `404: Not Found (${method} ${path})`, code: 0 });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
