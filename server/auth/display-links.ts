// Display links: a wall screen signs in once with a long random token (256 bits, base64url) that an
// admin created; only its SHA-256 is stored. A link is read-only and bound to one meeting or to the
// current one. Revoking it ends every screen using it at once: listeners (the socket layer) hear it.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  currentMeeting,
  type CreatedDisplayLink,
  type DisplayLinkView,
  type DisplayMe,
  wallPath,
} from '../../shared/display';
import { NewDisplayLinkBody } from '../../shared/display';
import { toWireInstant } from '../../shared/time';
import type { Clock } from '../clock';
import { NotFoundError, notFound, parseOrThrow } from '../errors';
import { words } from '../../shared/words';
import type { Inventory } from '../inventory/inventory';
import type { DisplayLinkRow } from '../store/display-types';
import type { Store } from '../store/types';
import { isTokenShaped } from './cookies';
import type { Actor } from './policy';
import { hashToken } from './sessions';

export type DisplayRevokedListener = (id: number) => void;

export interface DisplayLinksOptions {
  store: Store;
  inventory: Inventory;
  clock: Clock;
  logger: Logger;
  /** lastSeenAt is written at most this often per link (default 60 s). */
  touchEveryMs?: number;
}

export const presentDisplayLink = (r: DisplayLinkRow): DisplayLinkView => ({
  id: r.id,
  label: r.label,
  meeting: r.meeting,
  createdBy: r.createdBy,
  createdAt: toWireInstant(r.createdAt),
  lastSeenAt: r.lastSeenAt === null ? null : toWireInstant(r.lastSeenAt),
  revokedAt: r.revokedAt === null ? null : toWireInstant(r.revokedAt),
});

/** The actor a display acts as: a viewer, whose only allowed action is `read` (server/auth/policy.ts). */
export const displayActor = (link: Pick<DisplayLinkRow, 'id' | 'label'>): Actor => ({
  name: `màn hình #${link.id} (${link.label})`,
  role: 'viewer',
  units: [],
});

export class DisplayLinks {
  private readonly listeners = new Set<DisplayRevokedListener>();

  constructor(private readonly o: DisplayLinksOptions) {}

  onRevoked(listener: DisplayRevokedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new link; the token is returned here and never again. */
  async create(body: unknown, createdBy: string): Promise<CreatedDisplayLink> {
    const b = parseOrThrow(NewDisplayLinkBody, body);
    if (b.meeting !== null && !this.o.inventory.meeting(b.meeting)) {
      throw notFound('meeting', b.meeting);
    }
    const token = randomBytes(32).toString('base64url');
    const row = await this.o.store.displayLinks.create({
      tokenHash: hashToken(token),
      label: b.label,
      meeting: b.meeting,
      createdBy,
      createdAt: this.o.clock.now(),
    });
    this.o.logger.info({ id: row.id, label: row.label, meeting: row.meeting, createdBy }, 'display link created');
    return { link: presentDisplayLink(row), token, path: wallPath(token) };
  }

  async list(): Promise<DisplayLinkView[]> {
    return (await this.o.store.displayLinks.list()).map(presentDisplayLink);
  }

  /** Revokes it and disconnects its screens; NotFoundError for an unknown id. Revoking twice is a no-op. */
  async revoke(id: number, by: string): Promise<DisplayLinkView> {
    const s = this.o.store.displayLinks;
    if (!(await s.get(id)))
      throw new NotFoundError(words(`không có liên kết màn hình số ${id}`, `no display link #${id}`));
    if (await s.revoke(id, this.o.clock.now())) this.o.logger.info({ id, by }, 'display link revoked');
    this.emit(id);
    return presentDisplayLink((await s.get(id))!);
  }

  /** The active link of a token (from the URL or the cookie), its use recorded; undefined otherwise. */
  async fromToken(token: string | undefined): Promise<DisplayLinkRow | undefined> {
    if (token === undefined || !isTokenShaped(token)) return undefined;
    const row = await this.o.store.displayLinks.byHash(hashToken(token));
    if (!row || row.revokedAt !== null) return undefined;
    await this.touch(row);
    return row;
  }

  /** The link by id if still active (sockets re-check it on every event). */
  async active(id: number): Promise<DisplayLinkRow | undefined> {
    const row = await this.o.store.displayLinks.get(id);
    return row && row.revokedAt === null ? row : undefined;
  }

  /** The meeting a link shows now: its bound one, or the current one (null when there is none). */
  meetingOf(row: Pick<DisplayLinkRow, 'meeting'>): string | null {
    if (row.meeting !== null) return row.meeting;
    return currentMeeting(this.o.inventory.listMeetings(), this.o.clock.now())?.id ?? null;
  }

  me(row: DisplayLinkRow): DisplayMe {
    return { id: row.id, label: row.label, bound: row.meeting, meetingId: this.meetingOf(row) };
  }

  private async touch(row: DisplayLinkRow): Promise<void> {
    const now = this.o.clock.now();
    if (row.lastSeenAt !== null && now - row.lastSeenAt < (this.o.touchEveryMs ?? 60_000)) return;
    try {
      await this.o.store.displayLinks.touch(row.id, now);
    } catch (err) {
      // A full disk must not blank the wall: the link stays valid on its last recorded use.
      this.o.logger.debug({ err }, 'display links: could not record a use');
    }
  }

  private emit(id: number): void {
    for (const l of this.listeners) {
      try {
        l(id);
      } catch (err) {
        this.o.logger.error({ err }, 'display links: a revocation listener failed');
      }
    }
  }
}
