import { processCounter, processGauge, processHistogram } from '@ppt/observability';

export const wsConnections = processGauge<'app'>({
  name: 'ws_connections',
  help: 'Open WebSocket connections (authenticated)',
  labelNames: ['app'],
});

export const wsMessagesSent = processCounter<'app'>({
  name: 'ws_messages_sent_total',
  help: 'Event frames sent to WebSocket clients',
  labelNames: ['app'],
});

export const wsDeliverySeconds = processHistogram<'app'>({
  name: 'ws_delivery_seconds',
  help: 'From an event occurring (outbox row written / portal change) to its frames being handed to the sockets',
  labelNames: ['app'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const wsClosed = processCounter<'app' | 'code'>({
  name: 'ws_closed_total',
  help: 'WebSocket connections closed by the server, by close code',
  labelNames: ['app', 'code'],
});
