'use strict';

const express = require('express');
const helmet = require('helmet');
const pino = require('pino');
const config = require('./config');
const payments = require('./routes/payments');

const log = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'card.number'] });
const app = express();

app.use(helmet());
app.use(express.json({ limit: '64kb' }));
app.use('/v1/payments', payments({ log }));

app.get('/healthz', (_req, res) => res.json({ ok: true }));

app.listen(config.port, () => log.info({ port: config.port }, 'payments-api listening'));
