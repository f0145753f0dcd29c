// The finishing thread of `helloscope read` (bundled as dist/cli/read-finisher.mjs): TLS, JA4X,
// HTTP and the output record of each conversation the packet thread hands over, in order.
import { parentPort, workerData } from 'node:worker_threads';
import { ConversationFinisher } from '../../../core/capture/finish-tcp.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { OutputJson, type OutputRecord } from '../../../core/capture/output.js';
import type { ConversationPlugin } from '../../../core/capture/plugin.js';
import { installNodeHashes } from '../../node/native-hashes.js';
import { readExtensions } from './extensions.js';
import { ndjsonOf, outputOf } from './emit.js';
import { JobBatchReader } from './job-codec.js';
import { NdjsonBytes } from './ndjson-bytes.js';
import type { FinisherInit, FromFinisher, ToFinisher } from './protocol.js';

installNodeHashes();
const init = workerData as FinisherInit;
const flags = new Map(init.flags);
const plugins = readExtensions.plugins.map((f) => f(flags)).filter((p): p is ConversationPlugin => !!p);
const finisher = new ConversationFinisher({ plugins, lazyFingerprints: true });
const secrets: string[] = [];
const port = parentPort!;
const ndjson = new NdjsonBytes();
const json = new OutputJson(init.settings);

port.on('message', (m: ToFinisher) => {
  if (m.t === 'end') { port.close(); return; }
  if (m.t === 'spare') { ndjson.give(m.buf); return; }
  try {
    const records: OutputRecord[] = [];
    const jobs = new JobBatchReader(m.batch);
    const emit = (r: ConnectionRecord): void => {
      if (init.ndjson) {
        const line = ndjsonOf(r, init.settings, readExtensions.decorate, json);
        if (line !== undefined) ndjson.add(line);
        return;
      }
      const out = outputOf(r, init.settings, readExtensions.decorate);
      if (out) records.push(out);
    };
    for (const step of m.order) {
      if (typeof step === 'number') for (let k = 0; k < step; k++) emit(finisher.finishTcpSafely(jobs.next(), secrets));
      else if ('secret' in step) secrets.push(step.secret);
      else emit(step.record);
    }
    if (init.ndjson) {
      // Nothing left holds a view of the batch's buffers (the output is a copy; the certificate
      // memo keeps copies): they go back to be filled again instead of being new allocations.
      const back: [ArrayBuffer, ArrayBuffer] = [m.batch.bytes, m.batch.nums.buffer as ArrayBuffer];
      const bytes = ndjson.take();
      port.postMessage({ t: 'out', ...(bytes ? { ndjson: bytes } : {}), records, back } satisfies FromFinisher, bytes ? [...back, bytes.buffer as ArrayBuffer] : back);
    } else port.postMessage({ t: 'out', records } satisfies FromFinisher);
  } catch (e) {
    port.postMessage({ t: 'failed', message: (e as Error)?.stack ?? String(e) } satisfies FromFinisher);
  }
});
