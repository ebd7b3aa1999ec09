// A simulator of the Zalo Official Account Open API's "send a consultation message" (v3), written from
// its published reference (not Zalo, which cannot be reached from here): POST /v3.0/oa/message/cs with
// the OA's `access_token` header and { recipient: { user_id }, message: { text } }; the answer is
// always HTTP 200 with { error: 0, message: "Success", data: { message_id, user_id } } or a non-zero
// error (-216: access token invalid).
import { HttpReceiver } from './receivers';

export interface ZaloMessage {
  userId: string;
  text: string;
}

export class ZaloSimulator {
  readonly messages: ZaloMessage[] = [];
  readonly http: HttpReceiver;
  private nextId = 1;

  constructor(readonly accessToken: string) {
    this.http = new HttpReceiver((req, res) => {
      const send = (body: unknown): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.path !== '/v3.0/oa/message/cs') {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.access_token !== this.accessToken)
        return send({ error: -216, message: 'Access token is invalid' });
      let body: { recipient?: { user_id?: string }; message?: { text?: string } };
      try {
        body = JSON.parse(req.body) as typeof body;
      } catch {
        return send({ error: -201, message: 'Parameters are invalid' });
      }
      const userId = body.recipient?.user_id;
      const text = body.message?.text;
      if (!userId || !text) return send({ error: -201, message: 'Parameters are invalid' });
      this.messages.push({ userId, text });
      send({ error: 0, message: 'Success', data: { message_id: `m${this.nextId++}`, user_id: userId } });
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
