// A kernel connection that carries widget traffic only: comm messages, their replies and the
// kernel's busy/idle status. The present server drops everything else a visitor sends.
//
// It speaks jupyter_server's v1 websocket protocol, `v1.kernel.websocket.jupyter.org`: every message
// is one binary frame holding a count, then little-endian uint64 offsets of the channel name, the four
// JSON parts and each binary buffer (Voila's websocket handler reads frames this way).

export const PROTOCOL = 'v1.kernel.websocket.jupyter.org';

export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function asBytes(buffer) {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function encode(msg) {
  const text = new TextEncoder();
  const json = [msg.header, msg.parent_header, msg.metadata, msg.content];
  const parts = [
    text.encode(msg.channel),
    ...json.map((part) => text.encode(JSON.stringify(part))),
    ...(msg.buffers || []).map(asBytes),
  ];
  const count = parts.length + 1; // offsets: the start of each part, then the end of the frame
  const head = new DataView(new ArrayBuffer(8 * (count + 1)));
  head.setBigUint64(0, BigInt(count), true);
  let offset = head.byteLength;
  parts.forEach((part, i) => {
    head.setBigUint64(8 * (i + 1), BigInt(offset), true);
    offset += part.byteLength;
  });
  head.setBigUint64(8 * count, BigInt(offset), true);
  const frame = new Uint8Array(offset);
  frame.set(new Uint8Array(head.buffer), 0);
  let at = head.byteLength;
  for (const part of parts) {
    frame.set(part, at);
    at += part.byteLength;
  }
  return frame.buffer;
}

export function decode(frame) {
  const view = new DataView(frame);
  const count = Number(view.getBigUint64(0, true));
  const offsets = [];
  for (let i = 1; i <= count; i++) offsets.push(Number(view.getBigUint64(8 * i, true)));
  const text = new TextDecoder();
  const part = (i) => new Uint8Array(frame, offsets[i], offsets[i + 1] - offsets[i]);
  const json = (i) => JSON.parse(text.decode(part(i)));
  const buffers = [];
  for (let i = 5; i < count - 1; i++) buffers.push(new DataView(frame.slice(offsets[i], offsets[i + 1])));
  return {
    channel: text.decode(part(0)),
    header: json(1),
    parent_header: json(2),
    metadata: json(3),
    content: json(4),
    buffers,
  };
}

export class Comm {
  constructor(kernel, target_name, comm_id) {
    this.kernel = kernel;
    this.target_name = target_name;
    this.comm_id = comm_id;
    this.onMsg = null;
    this.onClose = null;
    kernel.comms.set(comm_id, this);
  }

  open(data, callbacks, metadata, buffers) {
    const content = { comm_id: this.comm_id, target_name: this.target_name, data };
    return this.kernel.send('comm_open', content, metadata, buffers, callbacks);
  }

  send(data, callbacks, metadata, buffers) {
    return this.kernel.send('comm_msg', { comm_id: this.comm_id, data }, metadata, buffers, callbacks);
  }

  close(data, callbacks, metadata, buffers) {
    this.kernel.comms.delete(this.comm_id);
    return this.kernel.send('comm_close', { comm_id: this.comm_id, data: data || {} }, metadata, buffers, callbacks);
  }

  on_msg(callback) {
    this.onMsg = callback;
  }

  on_close(callback) {
    this.onClose = callback;
  }
}

// After a dropped connection (a classroom Wi-Fi hiccup), try again after these pauses (ms), then give up.
const RECONNECT_DELAYS = [500, 1000, 2000, 4000, 8000];

export class Kernel {
  /** Connects at once; `ready` settles when the first connection is open, or when every retry failed.
   * `onState` hears 'reconnecting', 'connected' (after reconnecting) and 'lost' (every retry failed). */
  constructor(url) {
    this.url = url;
    this.session = newId(); // kept across reconnects: the server replays what the kernel sent meanwhile
    this.callbacks = new Map(); // msg_id -> the sender's callbacks, until the kernel is idle again
    this.comms = new Map();
    this.waiting = []; // frames sent while reconnecting, delivered once connected
    this.socket = null;
    this.onCommOpen = () => {};
    this.onState = () => {};
    this.ready = this.connectWithRetries(false);
  }

  async connectWithRetries(again) {
    if (again) this.onState('reconnecting');
    for (const delay of [0, ...RECONNECT_DELAYS]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await this.connect();
        if (again) this.onState('connected');
        return;
      } catch {
        // the next pause, a longer one
      }
    }
    this.onState('lost');
    throw new Error(`cannot connect to ${this.url}`);
  }

  connect() {
    const socket = new WebSocket(`${this.url}?session_id=${this.session}`, PROTOCOL);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('message', (event) => this.receive(decode(event.data)));
    return new Promise((resolve, reject) => {
      socket.addEventListener('error', reject, { once: true });
      socket.addEventListener('open', () => {
        socket.addEventListener('close', () => this.connectWithRetries(true).catch(() => {}), { once: true });
        for (const frame of this.waiting.splice(0)) socket.send(frame);
        resolve();
      }, { once: true });
    });
  }

  send(msg_type, content, metadata = {}, buffers = [], callbacks = undefined) {
    const msg_id = newId();
    const header = { msg_id, msg_type, session: this.session, username: '', date: new Date().toISOString(), version: '5.3' };
    if (callbacks) this.callbacks.set(msg_id, callbacks);
    const msg = { channel: 'shell', header, parent_header: {}, metadata: metadata || {}, content, buffers: buffers || [] };
    const frame = encode(msg);
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
    else this.waiting.push(frame);
    return msg_id;
  }

  request(msg_type, content) {
    return new Promise((resolve) => this.send(msg_type, content, {}, [], { shell: { reply: resolve } }));
  }

  receive(msg) {
    const type = msg.header.msg_type;
    this.answer(msg);
    const comm = this.comms.get(msg.content.comm_id);
    if (type === 'comm_open') {
      this.onCommOpen(new Comm(this, msg.content.target_name, msg.content.comm_id), msg);
    } else if (type === 'comm_msg' && comm && comm.onMsg) {
      comm.onMsg(msg);
    } else if (type === 'comm_close' && comm) {
      this.comms.delete(comm.comm_id);
      if (comm.onClose) comm.onClose(msg);
    }
  }

  /** Hand a reply or a status message to the callbacks of the message it answers. */
  answer(msg) {
    const parent = msg.parent_header && msg.parent_header.msg_id;
    const callbacks = parent && this.callbacks.get(parent);
    if (!callbacks) return;
    const type = msg.header.msg_type;
    if (msg.channel === 'shell' && callbacks.shell && callbacks.shell.reply) callbacks.shell.reply(msg);
    if (msg.channel === 'iopub' && type === 'status') {
      if (callbacks.iopub && callbacks.iopub.status) callbacks.iopub.status(msg);
      if (msg.content.execution_state === 'idle') this.callbacks.delete(parent);
    }
  }
}
