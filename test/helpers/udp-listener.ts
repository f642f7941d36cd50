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
