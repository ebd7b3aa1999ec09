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

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    // Same-origin only: the token never leaves as a Referer, and the form's POST still carries this
    // origin (under no-referrer Chromium sends `Origin: null`, which the same-origin write check refuses).
    .setHeader('Referrer-Policy', 'same-origin')
    .send(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<meta name="robots" content="noindex"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`,
    );
}

const INVALID = 'Liên kết nhận xử lý không hợp lệ';
const TAKEN = 'Sự cố đã có người nhận xử lý';

const takenBody = (a: AckRow): string =>
  `<p id="taken">Sự cố này đã được <b>${esc(a.by)}</b> nhận xử lý lúc ${esc(formatDateTime(a.at))}` +
  `${a.via === 'dashboard' ? ' (trên bảng điều khiển)' : ''}. Liên kết này không còn dùng được.</p>`;

const summary = (i: Incident): string => {
  const m = renderIncident(i, 'vi', undefined, '');
  return `<p><b>${esc(m.title)}</b></p><ul>${m.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
};

export function ackRoutes(d: { dispatcher: AlertDispatcher; store: AlertStore }): Router {
  const r = Router();

  /** The delivery and its incident behind a token, or null (the caller answers 404). */
  const resolve = (token: string): { row: DeliveryRow; incident: Incident } | null => {
    const id = verifyAckToken(d.store.ackKey(), token);
    if (id === null) return null;
    const row = d.store.getDelivery(id);
    if (!row || row.incidentKind !== 'open') return null;
    const incident = d.store.getIncident(row.incident);
    return incident ? { row, incident } : null;
  };

  r.get('/ack/:token', (req, res) => {
    const found = resolve(String(req.params.token));
    if (!found) return page(res, 404, INVALID, '<p>Liên kết không đúng hoặc không phải của hệ thống này.</p>');
    const taken = d.store.getAck(found.incident.id);
    if (taken) return page(res, 410, TAKEN, takenBody(taken));
    const who = found.row.recipient
      ? `<p>Người nhận: <b>${esc(found.row.recipient.name)}</b></p>`
      : `<p><label>Họ tên người nhận xử lý: <input name="by" required maxlength="120"></label></p>`;
    page(
      res,
      200,
      'Nhận xử lý sự cố',
      `${summary(found.incident)}<form method="post">${who}<button type="submit">Tôi nhận xử lý</button></form>` +
        '<p>Bấm nút để báo mọi người rằng bạn đang xử lý; các cấp tiếp theo sẽ không được chuyển báo nữa.</p>',
    );
  });

  r.post('/ack/:token', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const found = resolve(String(req.params.token));
    if (!found) return page(res, 404, INVALID, '<p>Liên kết không đúng hoặc không phải của hệ thống này.</p>');
    let by = found.row.recipient?.name;
    if (by === undefined) {
      const typed = (req.body as { by?: unknown } | undefined)?.by;
      const name = typeof typed === 'string' ? typed.trim() : '';
      if (name.length === 0 || name.length > 120) {
        return page(
          res,
          400,
          'Thiếu họ tên',
          '<p>Hãy nhập họ tên người nhận xử lý (tối đa 120 ký tự) rồi bấm lại.</p>',
        );
      }
      by = name;
    }
    const out = d.dispatcher.acknowledge(found.incident.id, by, 'link', found.row.id);
    if (!out.first) return page(res, 410, TAKEN, takenBody(out.ack));
    page(
      res,
      200,
      'Đã ghi nhận',
      `<p id="done"><b>${esc(by)}</b> đã nhận xử lý lúc ${esc(formatDateTime(out.ack.at))}. ` +
        'Những người đã được báo sẽ nhận tin này; các cấp tiếp theo không được chuyển báo nữa.</p>' +
        summary(found.incident),
    );
  });

  return r;
}
