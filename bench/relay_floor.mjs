// The floor of bench/sync_latency.py: a WebSocket relay that does nothing but forward bytes.
//
// Why: at 50 editors our server and y-websocket deliver a keystroke to the last of 49
// editors in the same time, to a tenth of a millisecond at p50, p95 and p99. This relay
// keeps no document, decodes nothing and stores nothing: each sync update frame is written,
// as it came, to every socket in the room (the sender's too, as both servers echo it). What
// it measures is what the sockets, the kernel and the load generator cost on this machine:
// no sync server that writes each update to each socket can deliver faster. The distance of
// a server's latency above it is that server's own share.
//
// It speaks just enough of the y-protocols sync protocol for bench/sync_load.mjs: a client's
// SyncStep1 is answered with an empty SyncStep2 (the document is empty at the join), and
// awareness is dropped.
//
// Run: HOST=127.0.0.1 PORT=1234 node bench/relay_floor.mjs   (ws from bench/reference)

import { createRequire } from 'node:module'
import http from 'node:http'

const require = createRequire(new URL('./reference/package.json', import.meta.url))
const WebSocket = require('ws')

const MESSAGE_SYNC = 0
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2
// SyncStep2 carrying Y.encodeStateAsUpdate(new Y.Doc()): no structs, no deletions.
const EMPTY_STEP2 = Buffer.from([MESSAGE_SYNC, STEP2, 2, 0, 0])

const rooms = new Map() // room name -> Set of sockets
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('relay floor')
})
const wss = new WebSocket.Server({ server, perMessageDeflate: false })

wss.on('connection', (ws, request) => {
  const name = request.url.slice(1).split('?')[0]
  const room = rooms.get(name) ?? new Set()
  rooms.set(name, room)
  room.add(ws)
  ws.on('message', (data) => { // ws 6 (y-websocket's): a Buffer for a binary message
    if (!Buffer.isBuffer(data) || data.length < 2 || data[0] !== MESSAGE_SYNC) return
    if (data[1] === STEP1) {
      ws.send(EMPTY_STEP2)
    } else if (data[1] === UPDATE || data[1] === STEP2) {
      for (const peer of room) peer.send(data)
    }
  })
  ws.on('close', () => {
    room.delete(ws)
    if (room.size === 0) rooms.delete(name)
  })
})

server.listen(Number(process.env.PORT ?? 1234), process.env.HOST ?? '127.0.0.1')
