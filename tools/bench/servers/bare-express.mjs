// Baseline: Express 5 with one route, GET /health/live. argv[2]: port.
import express from 'express';

const app = express();
app.get('/health/live', (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(Number(process.argv[2]), '127.0.0.1');
