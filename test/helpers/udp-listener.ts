/** A UDP socket on 127.0.0.1, on a port the system picks, that never answers and keeps every datagram it receives. */
import { once } from "node:events";
import { createSocket, type Socket } from "node:dgram";
import { LOOPBACK } from "./free-port.js";

export interface UdpListener {
  readonly socket: Socket;
  readonly port: number;
  readonly received: Buffer[];
}

export async function udpListener(): Promise<UdpListener> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (datagram) => received.push(datagram));
  socket.bind(0, LOOPBACK);
  await once(socket, "listening");
  return { socket, port: socket.address().port, received };
}

/**
 * Loopback UDP is delivered into the receiver's queue at send time, so anything sent to `port` before this call is
 * queued before the marker it sends: once the marker has been read, everything earlier has been too. Returns what
 * arrived, without the marker.
 */
export async function flush(port: number, received: Buffer[]): Promise<Buffer[]> {
  const marker = Buffer.from("flush-marker");
  const sender = createSocket("udp4");
  try {
    sender.send(marker, port, LOOPBACK);
    const deadline = Date.now() + 5_000;
    while (!received.some((d) => d.equals(marker))) {
      if (Date.now() >= deadline) throw new Error("the flush marker did not arrive within 5 s");
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    sender.close();
  }
  return received.filter((d) => !d.equals(marker));
}
