// [AL24] The acknowledgement link of an alert message, outside /api and without a login: GET shows the
// incident and a button (a mail client or chat app that fetches links to preview them must not take
// the incident for someone), POST takes it. One incident is taken once: the link, or any other link
// of the same incident, then only says who took it. The token is read here and nowhere else, so it
// opens nothing but this page (server/alerts/ack-link.ts).
import express, { Router, type Response } from 'express';
import { formatDateTime } from '../../../shared/time';
import { verifyAckToken } from '../../alerts/ack-link';
import type { AlertDispatcher } from '../../alerts/dispatcher';
import { renderIncident } from '../../alerts/render';
import type { AckRow, AlertStore, DeliveryRow } from '../../store/alert-types';
import type { Incident } from '../../alerts/incident';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type Lang = 'vi' | 'en';

/** The page's words, in the language of the message's channel (Vietnamese by default). */
const WORDS = {
  vi: {
    invalid: 'Liên kết nhận xử lý không hợp lệ',
    invalidBody: 'Liên kết không đúng hoặc không phải của hệ thống này.',
    taken: 'Sự cố đã có người nhận xử lý',
    takenBody: (by: string, at: string, dashboard: boolean) =>
      `Sự cố này đã được <b>${by}</b> nhận xử lý lúc ${at}${dashboard ? ' (trên bảng điều khiển)' : ''}. Liên kết này không còn dùng được.`,
    title: 'Nhận xử lý sự cố',
    recipient: 'Người nhận',
    name: 'Họ tên người nhận xử lý',
    button: 'Tôi nhận xử lý',
    explain: 'Bấm nút để báo mọi người rằng bạn đang xử lý; các cấp tiếp theo sẽ không được chuyển báo nữa.',
    noName: 'Thiếu họ tên',
    noNameBody: 'Hãy nhập họ tên người nhận xử lý (tối đa 120 ký tự) rồi bấm lại.',
    done: 'Đã ghi nhận',
    doneBody: (by: string, at: string) =>
      `<b>${by}</b> đã nhận xử lý lúc ${at}. Những người đã được báo sẽ nhận tin này; các cấp tiếp theo không được chuyển báo nữa.`,
  },
  en: {
    invalid: 'Invalid acknowledgement link',
    invalidBody: 'The link is wrong or not one of this system.',
    taken: 'Someone has taken this incident',
    takenBody: (by: string, at: string, dashboard: boolean) =>
      `<b>${by}</b> took this incident at ${at}${dashboard ? ' (on the dashboard)' : ''}. This link can no longer be used.`,
    title: 'Take this incident',
    recipient: 'Recipient',
    name: 'Name of the person taking it',
    button: 'I am taking it',
    explain: 'Press the button to tell everyone you are on it; the next levels will not be alerted.',
    noName: 'Name missing',
    noNameBody: 'Type the name of the person taking it (at most 120 characters) and press again.',
    done: 'Recorded',
    doneBody: (by: string, at: string) =>
      `<b>${by}</b> took it at ${at}. Those who were alerted will be told; the next levels will not be alerted.`,
  },
} satisfies Record<Lang, unknown>;

function page(res: Response, lang: Lang, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    // Same-origin only: the token never leaves as a Referer, and the form's POST still carries this
    // origin (under no-referrer Chromium sends `Origin: null`, which the same-origin write check refuses).
    .setHeader('Referrer-Policy', 'same-origin')
    .send(
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<meta name="robots" content="noindex"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`,
    );
}

const takenBody = (lang: Lang, a: AckRow): string =>
  `<p id="taken">${WORDS[lang].takenBody(esc(a.by), esc(formatDateTime(a.at)), a.via === 'dashboard')}</p>`;

const summary = (i: Incident, lang: Lang): string => {
  const m = renderIncident(i, lang, undefined, '');
  return `<p><b>${esc(m.title)}</b></p><ul>${m.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
};

/** A link that is not one of ours (forged, another key, malformed): 404, in Vietnamese. */
const invalid = (res: Response): void => page(res, 'vi', 404, WORDS.vi.invalid, `<p>${WORDS.vi.invalidBody}</p>`);

export function ackRoutes(d: { dispatcher: AlertDispatcher; store: AlertStore }): Router {
  const r = Router();

  /** The delivery and its incident behind a token, or null (the caller answers 404). */
  const resolve = async (token: string): Promise<{ row: DeliveryRow; incident: Incident; lang: Lang } | null> => {
    const id = verifyAckToken(await d.store.ackKey(), token);
    if (id === null) return null;
    const row = await d.store.getDelivery(id);
    if (!row || row.incidentKind !== 'open') return null;
    const incident = await d.store.getIncident(row.incident);
    const lang = d.dispatcher.channel(row.channel)?.config.language ?? 'vi';
    return incident ? { row, incident, lang } : null;
  };

  r.get('/ack/:token', async (req, res) => {
    const found = await resolve(String(req.params.token));
    if (!found) return invalid(res);
    const w = WORDS[found.lang];
    const taken = await d.store.getAck(found.incident.id);
    if (taken) return page(res, found.lang, 410, w.taken, takenBody(found.lang, taken));
    const who = found.row.recipient
      ? `<p>${w.recipient}: <b>${esc(found.row.recipient.name)}</b></p>`
      : `<p><label>${w.name}: <input name="by" required maxlength="120"></label></p>`;
    page(
      res,
      found.lang,
      200,
      w.title,
      `${summary(found.incident, found.lang)}<form method="post">${who}<button type="submit">${w.button}</button></form>` +
        `<p>${w.explain}</p>`,
    );
  });

  r.post('/ack/:token', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const found = await resolve(String(req.params.token));
    if (!found) return invalid(res);
    const w = WORDS[found.lang];
    let by = found.row.recipient?.name;
    if (by === undefined) {
      const typed = (req.body as { by?: unknown } | undefined)?.by;
      const name = typeof typed === 'string' ? typed.trim() : '';
      if (name.length === 0 || name.length > 120) return page(res, found.lang, 400, w.noName, `<p>${w.noNameBody}</p>`);
      by = name;
    }
    const out = await d.dispatcher.acknowledge(found.incident.id, by, 'link', found.row.id);
    if (!out.first) return page(res, found.lang, 410, w.taken, takenBody(found.lang, out.ack));
    page(
      res,
      found.lang,
      200,
      w.done,
      `<p id="done">${w.doneBody(esc(by), esc(formatDateTime(out.ack.at)))}</p>${summary(found.incident, found.lang)}`,
    );
  });

  return r;
}
