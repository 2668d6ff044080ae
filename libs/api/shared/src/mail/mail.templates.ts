export interface MailMessage {
  to: string;
  /** Where the recipient's answer goes (a realtor's reply to a lead: the realtor). */
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Instead of MAIL_FROM (a notification goes out under its organisation's name). */
  from?: { name: string; address: string };
  headers?: Record<string, string>;
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function message(
  to: string,
  subject: string,
  lines: string[],
  link: { label: string; url: string },
): MailMessage {
  const text = [
    ...lines,
    '',
    `${link.label}: ${link.url}`,
    '',
    'If you did not expect this e-mail, you can ignore it.',
  ].join('\n');
  const html = [
    ...lines.map((l) => `<p>${escape(l)}</p>`),
    `<p><a href="${escape(link.url)}">${escape(link.label)}</a></p>`,
    '<p style="color:#666">If you did not expect this e-mail, you can ignore it.</p>',
  ].join('\n');
  return { to, subject, text, html };
}

export const mailTemplates = {
  /** A platform alert reached firing or was resolved (to the addresses its rule names). */
  alertStateChanged: (
    to: string,
    alert: { ruleName: string; state: 'firing' | 'resolved'; severity: string; summary: string; at: string },
    consoleUrl: string,
  ) =>
    message(
      to,
      `[${alert.state === 'firing' ? alert.severity.toUpperCase() : 'RESOLVED'}] ${alert.ruleName}`,
      [
        alert.state === 'firing' ? `The alert "${alert.ruleName}" is firing.` : `The alert "${alert.ruleName}" is resolved.`,
        alert.summary,
        `Since: ${alert.at}`,
      ],
      { label: 'Open the alerts', url: consoleUrl },
    ),
  verifyEmail: (to: string, name: string, url: string) =>
    message(to, 'Confirm your e-mail address', [`Hello ${name},`, 'please confirm your e-mail address.'], {
      label: 'Confirm e-mail address',
      url,
    }),
  resetPassword: (to: string, name: string, url: string, validMinutes: number) =>
    message(
      to,
      'Reset your password',
      [
        `Hello ${name},`,
        `someone asked to reset your password. The link is valid for ${validMinutes} minutes.`,
      ],
      { label: 'Choose a new password', url },
    ),
  registrationAttempted: (to: string, name: string, signInUrl: string) =>
    message(
      to,
      'Someone tried to register with your address',
      [
        `Hello ${name},`,
        'someone tried to create an account with this e-mail address, which already has one. ' +
          'No new account was made. If it was you, sign in, or reset your password if you forgot it.',
      ],
      { label: 'Sign in', url: signInUrl },
    ),
  /** New people are told to register and confirm their address first: only that account can accept. */
  invitation: (
    to: string,
    organization: string,
    inviter: { displayName: string | null; email: string | null },
    role: string,
    url: string,
  ) =>
    message(
      to,
      `You are invited to ${organization}`,
      [
        `${inviter.displayName ?? 'An administrator'}${inviter.email ? ` (${inviter.email})` : ''} invites you ` +
          `to ${organization} as ${role.replace('_', ' ')}.`,
        `To accept, sign in with the account for ${to} and open the link below. ` +
          'New to PPT? Register with this e-mail address first and confirm it with the link we send you; ' +
          'then open this invitation again. The link works once and expires in 7 days.',
      ],
      { label: 'Accept the invitation', url },
    ),
  residentInvitation: (to: string, name: string, organization: string, role: string, url: string) =>
    message(
      to,
      `Your ${organization} account`,
      [
        `Hello ${name},`,
        `${organization} invites you to see your ${role === 'owner' ? 'property' : 'home'} online as ${role}: ` +
          'your leases, meter readings and maintenance requests. Sign in or create an account, then accept.',
      ],
      { label: 'Accept the invitation', url },
    ),
  listingInquiry: (
    to: string,
    name: string,
    lead: { title: string; name: string; email: string; phone: string | null; message: string; url: string },
  ) =>
    message(
      to,
      `New inquiry: ${lead.title}`.slice(0, 200),
      [
        `Hello ${name},`,
        `${lead.name} asks about your listing "${lead.title}".`,
        `E-mail: ${lead.email}${lead.phone ? `, phone: ${lead.phone}` : ''}`,
        lead.message.slice(0, 2000),
      ],
      { label: 'Open the inquiries', url: lead.url },
    ),
  leadReply: (
    to: string,
    name: string,
    reply: { title: string; realtor: string; message: string; question: string; url: string },
  ) =>
    message(
      to,
      `Re: ${reply.title}`.slice(0, 200),
      [
        `Hello ${name},`,
        `${reply.realtor} answers your inquiry about "${reply.title}":`,
        reply.message,
        `You wrote: ${reply.question.slice(0, 1000)}`,
      ],
      { label: 'See the listing', url: reply.url },
    ),
};
