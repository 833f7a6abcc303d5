import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that behaves, for LISTEN/NOTIFY, like a
 * connection pooler in transaction mode: every query and answer goes through
 * unchanged (LISTEN and NOTIFY succeed), but no notification ever reaches the
 * client, as with a pooler that hands the listening server session to other
 * clients between transactions. It drops the server's NotificationResponse
 * messages (type 'A') and forwards every other message whole.
 *
 * Server messages are framed as one type byte and a 4-byte length that counts
 * itself; the client's first message (StartupMessage) has no type byte, but the
 * proxy only parses the server's side. The client must not ask for TLS (the
 * server's one-byte answer to SSLRequest has no length).
 */
export interface NotificationDroppingProxy {
  /** postgres:// URL of `databaseUrl`, through the proxy. */
  url: string;
  /** Notifications dropped so far. */
  dropped(): number;
  close(): Promise<void>;
}

const NOTIFICATION_RESPONSE = 'A'.charCodeAt(0);

export async function startNotificationDroppingProxy(databaseUrl: string): Promise<NotificationDroppingProxy> {
  const target = new URL(databaseUrl);
  let dropped = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 5432) });
    sockets.add(client).add(upstream);
    let pending: Buffer = Buffer.alloc(0);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const forwarded: Buffer[] = [];
      let offset = 0;
      while (pending.length - offset >= 5) {
        const end = offset + 1 + pending.readInt32BE(offset + 1);
        if (end > pending.length) break;
        if (pending[offset] === NOTIFICATION_RESPONSE) dropped += 1;
        else forwarded.push(pending.subarray(offset, end));
        offset = end;
      }
      pending = pending.subarray(offset);
      if (forwarded.length > 0) client.write(Buffer.concat(forwarded));
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A TCP server (not a pipe): address() is an AddressInfo.
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(databaseUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
