// The node:http server and its sockets: listening, going offline (stop listening and cut every
// open connection, so clients see ECONNREFUSED or a reset) and coming back on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`port ${port} on ${host} is already in use`);
  }
}

export class Listener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private listening = false;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer(handler);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** Listens and returns the port (the one chosen when `port` is 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.server.off('listening', onListening);
        reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port) : err);
      };
      const onListening = () => {
        this.server.off('error', onError);
        this.listening = true;
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  /** Stops listening and destroys every open connection, idle or busy. */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const hadSockets = this.sockets.size > 0;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
    // A moment for clients on this machine to see their kept-alive connections close, so their
    // next request opens a new one and gets ECONNREFUSED rather than a reset.
    if (hadSockets) await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
