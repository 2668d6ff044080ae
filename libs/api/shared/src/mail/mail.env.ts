/** What the mailer reads from the environment: a slice of the app's validated env, provided by the app. */
export abstract class MailEnv {
  abstract readonly APP_PUBLIC_URL: string;
  abstract readonly MAIL_TRANSPORT: 'smtp' | 'log';
  abstract readonly SMTP_URL?: string;
  abstract readonly MAIL_FROM: string;
}
