import type { MailMessage } from '../mail/mail.templates';

export interface MailItem {
  title: string;
  body: string;
  /** Absolute URL into the web app, or null. */
  url: string | null;
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/**
 * A notification e-mail (one item) or the daily digest (several), in plain text and HTML, with the
 * one-click unsubscribe headers: RFC 2369 `List-Unsubscribe` carrying the HTTPS URL, and RFC 8058
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` so mail clients may POST to it without asking.
 */
export function notificationMail(input: {
  to: string;
  from: { name: string; address: string };
  organization: string;
  items: MailItem[];
  unsubscribeUrl: string;
  preferencesUrl: string;
}): MailMessage {
  const { items, organization } = input;
  const digest = items.length > 1;
  const subject = (digest ? `${organization}: ${items.length} updates` : items[0].title).slice(0, 200);
  const textItems = items.map((i) =>
    [i.title, i.body, i.url ? `Open: ${i.url}` : ''].filter(Boolean).join('\n'),
  );
  const text = [
    ...(digest ? [`Your updates from ${organization}:`, ''] : []),
    textItems.join('\n\n'),
    '',
    '--',
    `You receive this because of your notification settings at ${organization}.`,
    `Change them: ${input.preferencesUrl}`,
    `Unsubscribe from these e-mails: ${input.unsubscribeUrl}`,
  ].join('\n');
  const htmlItems = items.map(
    (i) =>
      `<h3>${escape(i.title)}</h3>` +
      (i.body ? `<p>${escape(i.body)}</p>` : '') +
      (i.url ? `<p><a href="${escape(i.url)}">Open</a></p>` : ''),
  );
  const html = [
    ...(digest ? [`<p>Your updates from ${escape(organization)}:</p>`] : []),
    ...htmlItems,
    '<hr>',
    `<p style="color:#666">You receive this because of your notification settings at ${escape(organization)}. ` +
      `<a href="${escape(input.preferencesUrl)}">Change them</a> or ` +
      `<a href="${escape(input.unsubscribeUrl)}">unsubscribe from these e-mails</a>.</p>`,
  ].join('\n');
  return {
    to: input.to,
    from: input.from,
    subject,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${input.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
