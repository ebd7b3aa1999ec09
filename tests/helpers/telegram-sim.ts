// A simulator of the Telegram Bot API's sendMessage, written from its published reference (not
// Telegram itself, which cannot be reached from here): POST /bot<token>/sendMessage with a JSON body
// { chat_id, text, parse_mode }; the answer is { ok: true, result: Message } or { ok: false,
// error_code, description } with 401 for a wrong token and 400 for a missing chat_id or text.
import { HttpReceiver } from './receivers';

export interface TelegramMessage {
  token: string;
  chat_id: string | number;
  text: string;
  parse_mode?: string;
}

export class TelegramSimulator {
  readonly messages: TelegramMessage[] = [];
  readonly http: HttpReceiver;
  private nextId = 1;

  constructor(readonly token: string) {
    this.http = new HttpReceiver((req, res) => {
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const m = /^\/bot([^/]+)\/sendMessage$/.exec(req.path);
      if (req.method !== 'POST' || !m) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (decodeURIComponent(m[1]!) !== this.token)
        return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      let body: Partial<TelegramMessage>;
      try {
        body = JSON.parse(req.body) as Partial<TelegramMessage>;
      } catch {
        return send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      }
      if (body.chat_id === undefined)
        return send(400, { ok: false, error_code: 400, description: 'Bad Request: chat_id is empty' });
      if (!body.text)
        return send(400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
      if (body.parse_mode !== undefined && !['HTML', 'MarkdownV2', 'Markdown'].includes(body.parse_mode)) {
        return send(400, { ok: false, error_code: 400, description: 'Bad Request: unsupported parse_mode' });
      }
      this.messages.push({ token: m[1]!, chat_id: body.chat_id, text: body.text, parse_mode: body.parse_mode });
      send(200, {
        ok: true,
        result: {
          message_id: this.nextId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: body.chat_id },
          text: body.text,
        },
      });
    });
  }

  get apiBase(): string {
    return this.http.url;
  }

  start(): Promise<HttpReceiver> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}
