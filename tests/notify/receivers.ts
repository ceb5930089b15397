/** Real receivers for the notification tests: an SMTP server and an HTTP server, in the test process. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

/** `delayMs`: each message is accepted after this long; `reject(to)`: a 550 for that recipient. */
export async function startSmtp(
  options: { delayMs?: number; reject?: (to: string) => boolean } = {},
): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.reject?.(address.address)) {
        const error = new Error('no such mailbox') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const done = () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        };
        if (options.delayMs) setTimeout(done, options.delayMs);
        else done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  hits: Hit[];
  /** requests answered 2xx */
  accepted: Hit[];
  maxConcurrent: number;
  close(): Promise<void>;
}

/** `status(n, hit)`: the status of the n-th request (0-based), default 200. */
export async function startHttp(
  options: { status?: (n: number, hit: Hit) => number; delayMs?: number; hang?: (n: number) => boolean } = {},
): Promise<HttpReceiver> {
  const receiver: HttpReceiver = { url: '', hits: [], accepted: [], maxConcurrent: 0, close: async () => {} };
  let open = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      open++;
      receiver.maxConcurrent = Math.max(receiver.maxConcurrent, open);
      const hit: Hit = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const n = receiver.hits.length;
      receiver.hits.push(hit);
      if (options.hang?.(n)) return; // never answers (the sender is killed meanwhile)
      const status = options.status?.(n, hit) ?? 200;
      setTimeout(() => {
        open--;
        if (status < 300) receiver.accepted.push(hit);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
