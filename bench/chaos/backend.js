// One backend of bench/chaos.sh: a Node.js HTTP and WebSocket echo server, no dependencies.
//
//   node backend.js <port> <id> <posts-file>
//
// - GET /health: 200 "ok".
// - Any other GET (or HEAD): 200 "backend <id> <X-Request-Id>", after 0-CHAOS_BACKEND_DELAY_MS ms.
// - POST: appends "<X-Request-Id> <id>" to <posts-file> as soon as the request head arrives (before the
//   body and the answer, so a POST counts as received even if this process is killed right after), then
//   answers 200 {"backend":<id>,"id":"<X-Request-Id>","bytes":<body length>} after
//   0-CHAOS_BACKEND_POST_DELAY_MS ms. The file outlives the process: bench/chaos.sh restarts a killed
//   backend with the same file, and finds ids received twice.
// - WebSocket upgrade (RFC 6455, any path): sends "backend <id>" first, then echoes every text and
//   binary frame, answers pings, and closes on a close frame.
// - Answers every request with the X-Request-Id it came with, so the client can check the answer is its
//   own, and closes a keep-alive connection after CHAOS_BACKEND_MAX_REQUESTS requests (Connection: close)
//   or CHAOS_BACKEND_KEEPALIVE_MS idle: keep-alive behaviour real backends have.
// - On SIGTERM stops gracefully, as a backend being redeployed does: stops accepting connections, closes
//   idle keep-alive connections, finishes the requests in progress (their answers carry Connection:
//   close), closes WebSocket sessions with 1001 (going away), and exits; after 3 s it exits anyway.'use strict';

const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const [port, id, postsFile] = process.argv.slice(2);
if (!port || !id || !postsFile) {
	console.error('usage: node backend.js <port> <id> <posts-file>');
	process.exit(2);
}
const delayMs = Number(process.env.CHAOS_BACKEND_DELAY_MS || 10);
const postDelayMs = Number(process.env.CHAOS_BACKEND_POST_DELAY_MS || 50);
const maxRequests = Number(process.env.CHAOS_BACKEND_MAX_REQUESTS || 100);
const keepAliveMs = Number(process.env.CHAOS_BACKEND_KEEPALIVE_MS || 5000);
const posts = fs.openSync(postsFile, 'a');

function requestId(req) {
	const value = req.headers['x-request-id'];
	return typeof value === 'string' ? value : '-';
}

function later(fn, maxMs = delayMs) {
	if (maxMs > 0) {
		setTimeout(fn, Math.floor(Math.random() * (maxMs + 1)));
	}
	else {
		fn();
	}
}

const server = http.createServer((req, res) => {
	const rid = requestId(req);
	res.setHeader('X-Request-Id', rid);
	if (req.method === 'POST') {
		// written with write(2) before anything else: in the kernel's page cache even if we die next
		fs.writeSync(posts, `${rid} ${id}\n`);
		let bytes = 0;
		req.on('data', (chunk) => {
			bytes += chunk.length;
		});
		req.on('end', () => later(() => {
			res.setHeader('Content-Type', 'application/json');
			res.end(JSON.stringify({ backend: Number(id), id: rid, bytes }));
		}, postDelayMs));
		return;
	}
	req.resume();
	if (req.url === '/health') {
		res.setHeader('Content-Type', 'text/plain');
		res.end('ok\n');
		return;
	}
	later(() => {
		res.setHeader('Content-Type', 'text/plain');
		res.end(`backend ${id} ${rid}\n`);
	});
});
server.keepAliveTimeout = keepAliveMs;
server.maxRequestsPerSocket = maxRequests;

// --- WebSocket echo -----------------------------------------------------------------------------

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const sockets = new Set();

function frame(opcode, payload) {
	const len = payload.length;
	let head;
	if (len < 126) {
		head = Buffer.from([0x80 | opcode, len]);
	}
	else if (len < 65536) {
		head = Buffer.alloc(4);
		head[0] = 0x80 | opcode;
		head[1] = 126;
		head.writeUInt16BE(len, 2);
	}
	else {
		head = Buffer.alloc(10);
		head[0] = 0x80 | opcode;
		head[1] = 127;
		head.writeBigUInt64BE(BigInt(len), 2);
	}
	return Buffer.concat([head, payload]);
}

server.on('upgrade', (req, socket, head) => {
	const key = req.headers['sec-websocket-key'];
	if (!key || String(req.headers.upgrade).toLowerCase() !== 'websocket') {
		socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		return;
	}
	const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
	socket.setNoDelay(true);
	socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
		+ `Sec-WebSocket-Accept: ${accept}\r\nX-Request-Id: ${requestId(req)}\r\n\r\n`);
	socket.write(frame(0x1, Buffer.from(`backend ${id}`)));
	let buffer = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
	let closed = false;
	sockets.add(socket);
	socket.on('close', () => sockets.delete(socket));
	socket.on('error', () => socket.destroy());
	const onData = (chunk) => {
		buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
		while (!closed && buffer.length >= 2) {
			const fin = buffer[0] & 0x80;
			const opcode = buffer[0] & 0x0f;
			const masked = buffer[1] & 0x80;
			let len = buffer[1] & 0x7f;
			let offset = 2;
			if (len === 126) {
				if (buffer.length < 4) {
					return;
				}
				len = buffer.readUInt16BE(2);
				offset = 4;
			}
			else if (len === 127) {
				if (buffer.length < 10) {
					return;
				}
				len = Number(buffer.readBigUInt64BE(2));
				offset = 10;
			}
			const maskOffset = offset;
			if (masked) {
				offset += 4;
			}
			if (buffer.length < offset + len) {
				return;
			}
			const payload = Buffer.from(buffer.subarray(offset, offset + len));
			if (masked) {
				for (let i = 0; i < payload.length; i++) {
					payload[i] ^= buffer[maskOffset + (i % 4)];
				}
			}
			buffer = buffer.subarray(offset + len);
			if (opcode === 0x8) {
				closed = true;
				socket.end(frame(0x8, payload.subarray(0, 2)));
				return;
			}
			if (opcode === 0x9) {
				socket.write(frame(0xA, payload));
			}
			else if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) {
				// echo frame by frame: a fragmented message comes back fragmented the same way
				const out = frame(opcode, payload);
				if (!fin) {
					out[0] &= 0x7f;
				}
				socket.write(out);
			}
		}
	};
	socket.on('data', onData);
	if (buffer.length) {
		const first = buffer;
		buffer = Buffer.alloc(0);
		onData(first);
	}
});

process.on('SIGTERM', () => {
	console.log(`backend ${id} stopping gracefully (SIGTERM)`);
	server.close(() => process.exit(0));
	server.closeIdleConnections();
	const goingAway = Buffer.alloc(2);
	goingAway.writeUInt16BE(1001, 0);
	for (const socket of sockets) {
		socket.end(frame(0x8, goingAway));
	}
	setTimeout(() => process.exit(0), 3000).unref();
});

server.listen(Number(port), '127.0.0.1', () => {
	console.log(`backend ${id} listening on 127.0.0.1:${port} (pid ${process.pid})`);
});
