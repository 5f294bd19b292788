// Live updates: one subscription over the graphql-transport-ws protocol
// (github.com/enisdenjo/graphql-ws, PROTOCOL.md) on a WebSocket to the
// GraphQL endpoint, authenticated by the connection_init payload as HTTP
// requests are by their Authorization header. The server pushes; the page
// never polls. A dropped connection is opened again after a growing delay.

import { credential, operationText, endpoint } from './api.js';

// Close code the server uses when it refuses the credential.
const refused = 4403;

// subscribe starts the named subscription. onNext gets each message's data;
// onStatus('live' | 'reconnecting' | 'error', detail) what the connection
// does; onRefused(reason) is called, and the connection given up, when the
// server refuses the credential. It returns a function that stops it.
export function subscribe(name, { onNext, onStatus, onRefused }) {
  const url = new URL(endpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let ws = null;
  let stopped = false;
  let failures = 0;
  let timer = 0;

  function connect() {
    ws = new WebSocket(url, 'graphql-transport-ws');
    const send = (message) => ws.send(JSON.stringify(message));
    ws.onopen = () => {
      const auth = credential.header();
      send({ type: 'connection_init', payload: auth ? { Authorization: auth } : {} });
    };
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      switch (message.type) {
        case 'connection_ack':
          send({ id: '1', type: 'subscribe', payload: { query: operationText(name), operationName: name } });
          break;
        case 'next':
          failures = 0;
          if (message.payload.errors) onStatus('error', message.payload.errors[0].message);
          else {
            onStatus('live');
            onNext(message.payload.data);
          }
          break;
        case 'error':
          onStatus('error', message.payload[0] && message.payload[0].message);
          break;
        case 'complete': // the server ended the subscription: start again
          ws.close(1000);
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
      }
    };
    ws.onclose = (event) => {
      if (stopped) return;
      if (event.code === refused) {
        onRefused(event.reason);
        return;
      }
      failures++;
      const delay = Math.min(30, 2 ** Math.min(failures - 1, 5)) * 1000;
      onStatus('reconnecting', delay);
      timer = setTimeout(connect, delay);
    };
  }

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (ws) ws.close(1000);
  };
}
