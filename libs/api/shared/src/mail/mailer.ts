import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { MailEnv } from './mail.env';
import type { MailMessage } from './mail.templates';

/**
 * Sends e-mail through SMTP (nodemailer), or — with MAIL_TRANSPORT=log, for local development —
 * writes the whole message to the log instead.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport: Transporter;

  constructor(@Inject(MailEnv) private readonly env: MailEnv) {
    this.transport =
      env.MAIL_TRANSPORT === 'smtp'
        ? createTransport(env.SMTP_URL as string)
        : createTransport({ jsonTransport: true });
  }

  /** Sends one message; resolves with its Message-ID. */
  async send(message: MailMessage): Promise<string> {
    const info = await this.transport.sendMail({ from: this.env.MAIL_FROM, ...message });
    if (this.env.MAIL_TRANSPORT === 'log') {
      this.logger.log(
        { mail: JSON.parse(String((info as { message: string }).message)) },
        `E-mail to ${message.to} (not sent: MAIL_TRANSPORT=log)`,
      );
    }
    return String(info.messageId ?? '');
  }

  /** MAIL_FROM's address under another display name. */
  senderAs(name: string): { name: string; address: string } {
    const address = /<([^>]+)>/.exec(this.env.MAIL_FROM)?.[1] ?? this.env.MAIL_FROM.trim();
    return { name, address };
  }

  /** A link into the web app carrying a single-use token. */
  appLink(path: string, token: string): string {
    return `${this.appPage(path)}?token=${encodeURIComponent(token)}`;
  }

  /** A page of the web app. */
  appPage(path: string): string {
    return `${this.env.APP_PUBLIC_URL.replace(/\/$/, '')}/${path}`;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
