import { OPERATOR_LOGIN_ROUTE, QUEUE_BOARD_ROUTE } from './queue-board-gate';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PPT operators</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; }
label, input, button { display: block; width: 100%; box-sizing: border-box; }
input { margin: .25rem 0 1rem; padding: .5rem; }
button { padding: .5rem; }
.error { color: #b00020; }
</style>
</head>
<body>
<h1>PPT operators</h1>
${body}
</body>
</html>`;
}

/** The sign-in form (plain HTML, no script: the CSP forbids inline scripts anyway). */
export function loginPage(error?: string): string {
  return page(`${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${OPERATOR_LOGIN_ROUTE}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`);
}

/** What a signed-in operator sees at the login address: the board, or sign out. */
export function signedInPage(email: string, csrfToken: string): string {
  return page(`<p>Signed in as ${escapeHtml(email)}.</p>
<p><a href="${QUEUE_BOARD_ROUTE}">Open the queues</a></p>
<form method="post" action="/admin/logout">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button type="submit">Sign out</button>
</form>`);
}
