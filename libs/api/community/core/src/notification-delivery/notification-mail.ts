import type { MailMessage } from '@ppt/api-shared';

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

/** The portal's saved-search alert: new matches per search, each search with its own unsubscribe link. */
export function savedSearchAlertMail(input: {
  to: string;
  name: string;
  searches: {
    name: string;
    unsubscribeUrl: string;
    listings: { title: string; url: string; price: string; city: string }[];
  }[];
  unsubscribeAllUrl: string;
}): MailMessage {
  const count = input.searches.reduce((n, s) => n + s.listings.length, 0);
  const subject =
    input.searches.length === 1
      ? `${count} new listing${count === 1 ? '' : 's'}: ${input.searches[0].name}`.slice(0, 200)
      : `${count} new listings for your saved searches`;
  const text = [
    `Hello ${input.name},`,
    '',
    ...input.searches.flatMap((s) => [
      `${s.name}:`,
      ...s.listings.map((l) => `- ${l.title}, ${l.city}, ${l.price}: ${l.url}`),
      `Stop alerts for this search: ${s.unsubscribeUrl}`,
      '',
    ]),
    '--',
    `Stop all saved-search alerts: ${input.unsubscribeAllUrl}`,
  ].join('\n');
  const html = [
    `<p>Hello ${escape(input.name)},</p>`,
    ...input.searches.map(
      (s) =>
        `<h3>${escape(s.name)}</h3><ul>` +
        s.listings
          .map(
            (l) =>
              `<li><a href="${escape(l.url)}">${escape(l.title)}</a>, ${escape(l.city)}, ${escape(l.price)}</li>`,
          )
          .join('') +
        `</ul><p><a href="${escape(s.unsubscribeUrl)}">Stop alerts for this search</a></p>`,
    ),
    '<hr>',
    `<p style="color:#666"><a href="${escape(input.unsubscribeAllUrl)}">Stop all saved-search alerts</a></p>`,
  ].join('\n');
  return {
    to: input.to,
    subject,
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${input.unsubscribeAllUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}
