'use strict';

// Secrets come from the environment (injected by the platform), never from this file.
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}

module.exports = {
  port: Number(process.env.PORT || 8080),
  logLevel: process.env.LOG_LEVEL || 'info',
  databaseUrl: required('DATABASE_URL'),
  jwtSecret: required('JWT_SECRET'),
  fraudScoringUrl: process.env.FRAUD_SCORING_URL || 'http://fraud-scoring.internal:5000/score',
};
