// The load generator of bench/sync_latency.py on Node: N editors typing on one document.
//
// Why: with all N editors as Python SyncClients in one asyncio process, the generator itself
// saturates at N = 50 (250 updates/s fanned out to 49 receivers, ~12,000 frames/s to
// decode and apply), so its stalls showed up as server latency. Here each editor is a
// WebSocket (ws) and a Y.Doc holding only its own keystrokes: a receiver does not apply
// the others' updates, it only reads which (client, clock) ranges a frame carries with
// Y.parseUpdateMeta (~2 us a frame; applying one costs far more). An editor's k-th one-
// character insert has clock k, as it is the only writer in its doc.
//
// Driven by sync_latency.py over stdin/stdout, one JSON object a line:
//   stdin  {"editors": [{"url", "cookie"?}], "rate", "duration", "drain", "seed", "warmup"}
//   stdout {"event": "ready"}    every editor connected and synced (server step 2 received)
//   stdin  "go"                  (the bench has read the server's CPU) start typing
//   stdout {"event": "result", ...} after the last send, once every update reached all the
//                                other editors or `drain` seconds passed; raw figures:
//                                latencies and send lags in ms, what each editor typed
//   stdin  "close" (or EOF)      close the sockets; stdout {"event": "closed", ...}; exit
// Errors go to stderr and the exit code is 1.
//
// Run by hand: echo '{"editors":[{"url":"ws://127.0.0.1:1234/room"}],"duration":2}' |
//   node bench/sync_load.mjs   (it waits for "go" on stdin, so EOF starts nothing)

import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import readline from 'node:readline'

// The packages of the reference server (bench/reference, installed by npm ci there).
const require = createRequire(new URL('./reference/package.json', import.meta.url))
const Y = require('yjs')
const WebSocket = require('ws')
const encoding = require('lib0/encoding')
const decoding = require('lib0/decoding')

const MESSAGE_SYNC = 0
const MESSAGE_AUTH = 2
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2
const CONNECT_CONCURRENCY = 10
const CONNECT_TIMEOUT_MS = 30000
const SETTLE_MS = 500 // as the Python generator: let the joins settle before the clock starts
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

function syncFrame (step, payload) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_SYNC)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

// mulberry32: a small seeded generator, so a run's positions and letters repeat.
function prng (seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Editor {
  constructor (index, url, cookie) {
    this.index = index
    this.url = url
    this.cookie = cookie
    this.doc = new Y.Doc()
    this.text = this.doc.getText('content') // the name collab.client.SyncClient edits
    this.client = this.doc.clientID
    this.seen = new Map() // other client -> the clock after the last keystroke received
    this.sent = 0
    this.ws = null
    this.open = false
    this.closeCode = null
    this.errors = []
    this.onSynced = null
    this.doc.on('update', (update, origin) => {
      if (origin !== 'remote' && this.open) this.ws.send(syncFrame(UPDATE, update))
    })
  }

  connect (onFrame) {
    return new Promise((resolve, reject) => {
      const headers = { Origin: 'http://' + new URL(this.url).host }
      if (this.cookie) headers.Cookie = this.cookie
      const ws = new WebSocket(this.url, { headers, perMessageDeflate: false })
      this.ws = ws
      const timer = setTimeout(() => {
        reject(new Error(`editor ${this.index}: not synced after ${CONNECT_TIMEOUT_MS} ms`))
        ws.terminate()
      }, CONNECT_TIMEOUT_MS)
      this.onSynced = () => { clearTimeout(timer); resolve() }
      ws.binaryType = 'nodebuffer'
      ws.on('open', () => {
        this.open = true
        ws.send(syncFrame(STEP1, Y.encodeStateVector(this.doc)))
      })
      ws.on('message', (data) => onFrame(this, data))
      ws.on('close', (code) => {
        this.open = false
        this.closeCode = code
        clearTimeout(timer)
        reject(new Error(`editor ${this.index}: closed with code ${code} before it synced`))
      })
      ws.on('error', (error) => {
        this.errors.push(String(error.message || error))
        clearTimeout(timer)
        reject(new Error(`editor ${this.index}: ${error.message || error}`))
      })
    })
  }

  // The editor's own characters in its document's order: what the final text must hold.
  // (The doc holds nothing else, as the join's document was empty; read by id all the same.)
  typed () {
    let out = ''
    for (let item = this.text._start; item !== null; item = item.right) {
      if (!item.deleted && item.id.client === this.client) out += item.content.getContent().join('')
    }
    return out
  }
}

async function main () {
  const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  const first = await lines.next()
  if (first.done) throw new Error('no configuration on stdin')
  const config = JSON.parse(first.value)
  const n = config.editors.length
  const rate = config.rate ?? 5
  const perEditor = Math.floor((config.duration ?? 30) * rate)
  const drainMs = (config.drain ?? 10) * 1000
  // Keystrokes of the first `warmup` seconds are delivered and counted, but not timed.
  const timedFrom = Math.floor((config.warmup ?? 0) * rate)
  const random = prng(config.seed ?? 1234)
  const editors = config.editors.map((e, i) => new Editor(i, e.url, e.cookie ?? null))
  const byClient = new Map(editors.map((e) => [e.client, e]))
  if (byClient.size !== n) throw new Error('two editors drew the same client id')

  // Per update (editor, clock k): when it was sent and how many receivers still lack it.
  const sentAt = editors.map(() => new Float64Array(perEditor))
  const remaining = editors.map(() => new Int32Array(perEditor))
  const latencies = [] // ms, one per timed update that reached all the other editors
  const sendLag = [] // ms, one per send
  let complete = 0
  let deliveries = 0
  let lastDelivery = 0
  let finish = null // resolves the drain wait

  function onFrame (editor, data) {
    if (data.length < 2) return
    const outer = data[0]
    if (outer === MESSAGE_SYNC) {
      const decoder = decoding.createDecoder(data)
      decoding.readVarUint(decoder)
      const step = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (step === STEP1) {
        // The server asks what it lacks: this editor's own keystrokes since the vector.
        editor.ws.send(syncFrame(STEP2, Y.encodeStateAsUpdate(editor.doc, payload)))
        return
      }
      if (step === STEP2 && editor.onSynced) {
        // The document as it was at the join (empty: a fresh canvas or room): applied once,
        // as a browser would; after that the others' updates are only read, not applied.
        Y.applyUpdate(editor.doc, payload, 'remote')
        editor.onSynced()
        editor.onSynced = null
        return
      }
      received(editor, payload)
    } else if (outer === MESSAGE_AUTH) {
      const decoder = decoding.createDecoder(data)
      decoding.readVarUint(decoder)
      decoding.readVarUint(decoder)
      editor.errors.push(decoding.readVarString(decoder))
    } // awareness (1) and query-awareness (3): nothing to do
  }

  function received (editor, update) {
    // A frame may carry several keystrokes of one editor (a server may merge a run of one
    // origin's updates) and several editors: every clock below `to` has arrived, as both
    // servers relay each editor's updates in order. The echo of one's own is not counted.
    const now = performance.now()
    const { to } = Y.parseUpdateMeta(update)
    for (const [client, end] of to) {
      if (client === editor.client) continue
      const sender = byClient.get(client)
      const from = editor.seen.get(client) ?? 0
      if (sender === undefined || end <= from) continue
      editor.seen.set(client, end)
      const times = sentAt[sender.index]
      const left = remaining[sender.index]
      for (let k = from; k < Math.min(end, sender.sent); k++) {
        if (left[k] <= 0) continue
        deliveries++
        if (--left[k] === 0) {
          if (k >= timedFrom) latencies.push(now - times[k])
          complete++
          lastDelivery = now
          if (complete === n * perEditor && finish) finish()
        }
      }
    }
  }

  // Connect, CONNECT_CONCURRENCY at a time, each waiting for the server's step 2.
  let next = 0
  async function connector () {
    while (next < n) await editors[next++].connect(onFrame)
  }
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, n) }, connector))
  for (const editor of editors) {
    editor.ws.removeAllListeners('close')
    editor.ws.removeAllListeners('error')
    editor.ws.on('close', (code) => { editor.open = false; editor.closeCode = code })
    editor.ws.on('error', (error) => editor.errors.push(String(error.message || error)))
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  process.stdout.write(JSON.stringify({ event: 'ready', clients: editors.map((e) => e.client) }) + '\n')
  const go = await lines.next()
  if (go.done || go.value.trim() !== 'go') throw new Error(`expected "go", got ${go.value}`)

  // One timer walks the schedule in time order: editor i's k-th keystroke is due at
  // start + i / (n * rate) + k / rate seconds (the N editors spread evenly over each tick).
  const start = performance.now() + 100
  const total = n * perEditor
  const dueOf = (j) => start + ((j % n) / (n * rate) + Math.floor(j / n) / rate) * 1000
  let lastSend = start
  await new Promise((resolve) => {
    let j = 0
    function tick () {
      while (j < total && dueOf(j) <= performance.now()) {
        const editor = editors[j % n]
        const k = Math.floor(j / n)
        const sent = performance.now()
        sendLag.push(sent - dueOf(j))
        if (n > 1) {
          sentAt[editor.index][k] = sent
          remaining[editor.index][k] = n - 1
        }
        editor.sent = k + 1
        const position = Math.floor(random() * (editor.text.length + 1))
        editor.text.insert(position, LETTERS[Math.floor(random() * LETTERS.length)])
        lastSend = sent
        j++
      }
      if (j < total) setTimeout(tick, Math.max(0, dueOf(j) - performance.now()))
      else resolve()
    }
    setTimeout(tick, Math.max(0, start - performance.now()))
  })
  if (n > 1 && complete < total) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, drainMs)
      finish = () => { clearTimeout(timer); resolve() }
    })
  }
  const round = (ms) => Math.round(ms * 1000) / 1000
  process.stdout.write(JSON.stringify({
    event: 'result',
    sent: editors.reduce((sum, e) => sum + e.sent, 0),
    complete,
    deliveries,
    window_s: (Math.max(lastDelivery, lastSend) - start) / 1000,
    latencies_ms: latencies.map(round),
    send_lag_ms: sendLag.map(round),
    editors: editors.map((e) => ({
      client: e.client, sent: e.sent, typed: e.typed(), connected: e.open, close_code: e.closeCode, errors: e.errors
    }))
  }) + '\n')

  await lines.next() // "close", or EOF when the bench went away
  await Promise.all(editors.map((e) => new Promise((resolve) => {
    if (e.ws.readyState === WebSocket.CLOSED) return resolve()
    e.ws.once('close', resolve)
    e.ws.close()
    setTimeout(() => { e.ws.terminate(); resolve() }, 5000).unref()
  })))
  process.stdout.write(JSON.stringify({ event: 'closed' }) + '\n')
}

main().then(() => process.exit(0), (error) => {
  process.stderr.write(`sync_load.mjs: ${error.stack || error}\n`)
  process.exit(1)
})
