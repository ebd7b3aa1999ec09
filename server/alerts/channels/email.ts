// E-mail through SMTP with nodemailer: subject = the message's title, plain text body. A 5xx reply
// (a refused recipient, a refused login) is final; connection failures and 4xx are tried again.
import { createTransport, type Transporter } from 'nodemailer';
import type { AlertChannelConfig } from '../../../shared/alerts';
import { renderIncident } from '../render';
import { DeliveryError, networkMessage, type Channel, type SendContext } from './types';

type EmailConfig = Extract<AlertChannelConfig, { kind: 'email' }>;

export class EmailChannel implements Channel {
  readonly target: string;
  private readonly transport: Transporter;

  constructor(
    readonly config: EmailConfig,
    password: string | null,
    private readonly baseUrl: string | undefined,
  ) {
    const { smtp } = config;
    this.target = `smtp://${smtp.host}:${smtp.port} → ${config.to.join(', ')}`;
    const timeout = config.timeoutMs ?? 10_000;
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user !== undefined && password !== null ? { user: smtp.user, pass: password } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // Never log the conversation (it would carry the AUTH exchange).
      logger: false,
      debug: false,
    });
  }

  async send(ctx: SendContext): Promise<void> {
    const m = renderIncident(ctx.incident, this.config.language ?? 'vi', this.baseUrl, this.config.id, ctx.ackUrl);
    const sending = this.transport.sendMail({
      from: this.config.from,
      to: ctx.recipient ? [ctx.recipient.address] : this.config.to,
      subject: m.title,
      text: m.lines.join('\n'),
      headers: { 'X-Diemcau-Incident': ctx.incident.id, 'X-Diemcau-Delivery': String(ctx.delivery) },
    });
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new DeliveryError('timed out or aborted', true));
      if (ctx.signal.aborted) fail();
      ctx.signal.addEventListener('abort', fail, { once: true });
    });
    try {
      await Promise.race([sending, aborted]);
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      const code = (err as { responseCode?: number }).responseCode;
      throw new DeliveryError(
        code !== undefined ? `SMTP ${code}: ${(err as Error).message}` : networkMessage(err),
        code === undefined || code < 500,
      );
    }
  }

  close(): void {
    this.transport.close();
  }
}
