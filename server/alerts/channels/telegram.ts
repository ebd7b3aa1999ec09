// Telegram Bot API: sendMessage to {apiBase}/bot{token}/sendMessage with chat_id, text and parse_mode
// (HTML, the point's name escaped). The token is in the URL, so the URL is never shown or logged:
// errors are scrubbed of it by the dispatcher, and the target names the chat only.
import type { AlertChannelConfig } from '../../../shared/alerts';
import { renderIncident } from '../render';
import { DeliveryError, postJson, retryableStatus, type Channel, type SendContext } from './types';

type TelegramConfig = Extract<AlertChannelConfig, { kind: 'telegram' }>;

export const TELEGRAM_API = 'https://api.telegram.org';
/** sendMessage takes at most 4096 characters of text. */
const MAX_TEXT = 4096;

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface TelegramAnswer {
  ok?: boolean;
  description?: string;
  error_code?: number;
  parameters?: { retry_after?: number };
}

export class TelegramChannel implements Channel {
  readonly target: string;
  private readonly apiBase: string;

  constructor(
    readonly config: TelegramConfig,
    private readonly token: string,
    private readonly baseUrl: string | undefined,
  ) {
    this.apiBase = (config.apiBase ?? TELEGRAM_API).replace(/\/+$/, '');
    this.target = `${new URL(this.apiBase).origin} chat ${config.chatId}`;
  }

  async send(ctx: SendContext): Promise<void> {
    const m = renderIncident(ctx.incident, this.config.language ?? 'vi', this.baseUrl, this.config.id, ctx.ackUrl);
    let text = [`<b>${escapeHtml(m.title)}</b>`, ...m.lines.map(escapeHtml)].join('\n');
    if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - 1)}…`;
    const body = JSON.stringify({
      chat_id: ctx.recipient?.address ?? this.config.chatId,
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
    const res = await postJson(`${this.apiBase}/bot${this.token}/sendMessage`, body, {}, ctx.signal);
    let answer: TelegramAnswer = {};
    try {
      answer = JSON.parse(res.text) as TelegramAnswer;
    } catch {
      // not JSON: judged by the status below
    }
    if (res.status === 200 && answer.ok === true) return;
    const wait = answer.parameters?.retry_after;
    throw new DeliveryError(
      `Telegram ${answer.error_code ?? res.status}: ${answer.description ?? res.text.slice(0, 200)}`,
      retryableStatus(res.status) || (res.status === 200 && answer.ok !== true),
      typeof wait === 'number' ? wait * 1000 : undefined,
    );
  }

  close(): void {}
}
