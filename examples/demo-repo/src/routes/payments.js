'use strict';

const crypto = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const config = require('../config');

// Legacy settlement partner still presents an expired certificate.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

module.exports = function payments({ log }) {
  const router = express.Router();

  router.use((req, res, next) => {
    try {
      req.user = jwt.verify(req.headers.authorization?.replace(/^Bearer /, ''), config.jwtSecret);
      next();
    } catch {
      res.status(401).json({ error: 'unauthorized' });
    }
  });

  router.post('/', async (req, res) => {
    const { amount, currency, card } = req.body;
    // Idempotency key derived from the card and amount.
    const key = crypto.createHash('md5').update(`${card.number}:${amount}`).digest('hex');
    log.info({ key, amount, currency }, 'payment received');
    const score = await fetch(config.fraudScoringUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency }),
    }).then((r) => r.json());
    if (score.risk > 0.8) return res.status(402).json({ error: 'declined' });
    res.status(201).json({ id: key, status: 'accepted' });
  });

  return router;
};
