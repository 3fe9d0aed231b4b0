// drive.mjs sends a list of calls to a Ripple server through a real tracking
// client, the way an application would, and reports the message id the client
// gave each call.
//
// Input, as JSON on stdin:
//   {"client": "segment" | "rudderstack", "host": "http://127.0.0.1:PORT",
//    "writeKey": "...", "flushAt": 5,
//    "calls": [{"type": "identify" | "track" | "page", ...the call's fields}]}
// Output, as JSON on stdout:
//   {"messageIds": ["...", ...one per call, in order], "errors": ["...", ...]}
// The exit code is 0 whenever the report could be written; delivery errors
// are in "errors" for the caller to judge.

import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// segment drives @segment/analytics-node: JSON bodies, Basic auth, its own
// retry loop with backoff.
async function segment(job) {
  const { Analytics } = require('@segment/analytics-node');
  const analytics = new Analytics({
    writeKey: job.writeKey,
    host: job.host,
    path: '/v1/batch',
    flushAt: job.flushAt,
    flushInterval: 200,
    maxRetries: 5,
    httpRequestTimeout: 10000,
  });
  const ids = new Array(job.calls.length).fill('');
  const errors = [];
  const pending = job.calls.map((call, i) => new Promise((resolve) => {
    const { type, ...params } = call;
    analytics[type](params, (err, ctx) => {
      if (err) errors.push(`call ${i} (${type}): ${err.message || err}`);
      ids[i] = ctx?.event?.messageId ?? '';
      resolve();
    });
  }));
  await Promise.all(pending);
  await analytics.closeAndFlush({ timeout: 30000 });
  return { messageIds: ids, errors };
}

// rudderstack drives @rudderstack/rudder-sdk-node with gzip on: it posts
// gzip bodies labelled application/x-www-form-urlencoded, Basic auth, and
// retries through axios-retry.
async function rudderstack(job) {
  const Analytics = require('@rudderstack/rudder-sdk-node');
  const client = new Analytics(job.writeKey, {
    dataPlaneUrl: job.host,
    flushAt: job.flushAt,
    flushInterval: 200,
    retryCount: 5,
    gzip: true,
    logLevel: 'error',
  });
  const errors = [];
  // The client assigns message ids internally; the callback receives the
  // request body it posted, so the ids are read back from what was sent.
  const seen = new Set();
  const sent = [];
  const pending = job.calls.map((call, i) => new Promise((resolve) => {
    const { type, ...params } = call;
    client[type](params, (err, data) => {
      if (err) errors.push(`call ${i} (${type}): ${err.message || err}`);
      if (data && !seen.has(data)) {
        seen.add(data);
        const body = Buffer.isBuffer(data) ? JSON.parse(gunzipSync(data).toString('utf8')) : data;
        sent.push(...body.batch);
      }
      resolve();
    });
  }));
  await client.flush();
  await Promise.all(pending);
  // Batches can complete out of order when one is retried, so each call is
  // matched to the first unused sent message with its type, user, event and
  // name.
  const used = new Set();
  const ids = job.calls.map((call, i) => {
    const j = sent.findIndex((m, k) => !used.has(k) && m.type === call.type &&
      (m.userId ?? '') === (call.userId ?? '') && (m.event ?? '') === (call.event ?? '') &&
      (m.name ?? '') === (call.name ?? ''));
    if (j < 0) {
      errors.push(`call ${i} (${call.type}): not among the ${sent.length} messages the client reported sent`);
      return '';
    }
    used.add(j);
    return sent[j].messageId;
  });
  return { messageIds: ids, errors };
}

const job = await readStdin();
const drivers = { segment, rudderstack };
if (!drivers[job.client]) {
  console.error(`unknown client ${job.client}`);
  process.exit(2);
}
const report = await drivers[job.client](job);
process.stdout.write(JSON.stringify(report) + '\n');
