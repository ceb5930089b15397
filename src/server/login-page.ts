/**
 * The page a browser gets instead of the console when the server has an API
 * token and the browser has no session yet: the token is entered once, posted
 * to `/session` (same origin), and the answer's HttpOnly SameSite=Strict
 * cookie lets the console's requests in. Self-contained: no script.
 */
import { escapeHtml } from './html.ts';

export function loginPage(problem: string | null): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Catena: API token</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1d2430;display:flex;justify-content:center;padding-top:12vh;margin:0}
form{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1.5em 2em;width:24em}
h1{font-size:1.3em;margin:0 0 .6em}input{width:100%;box-sizing:border-box;font:inherit;padding:.4em;margin:.3em 0 1em}
button{font:inherit;padding:.4em 1.2em}.problem{color:#b3261e}small{color:#6b7380}
</style></head>
<body><form method="post" action="/session">
<h1>Catena</h1>
<p>This server is protected by an API token. Enter it once; this browser keeps a session cookie for this server only.</p>
${problem ? `<p class="problem">${escapeHtml(problem)}</p>` : ''}
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Open the console</button>
<p><small>The token is the server's CATENA_API_TOKEN. Scripts send it as <code>Authorization: Bearer &lt;token&gt;</code>.</small></p>
</form></body></html>`;
}
