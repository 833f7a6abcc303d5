// @ts-check
/**
 * The development `.env`: `.env.example` with every `replace-me` placeholder
 * replaced by a fresh random secret, so the example stays the one list of
 * variables and a generated file documents itself.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const PLACEHOLDER = /replace-me/g;

/** @param {string} example the text of .env.example */
function fillSecrets(example) {
  return example.replace(PLACEHOLDER, () => crypto.randomBytes(32).toString('base64'));
}

/** @param {string} envFile where to write; never overwrites an existing file */
function writeDevEnvFile(envFile) {
  const example = fs.readFileSync(path.join(path.dirname(envFile), '.env.example'), 'utf8');
  fs.writeFileSync(envFile, fillSecrets(example), { flag: 'wx', mode: 0o600 });
}

module.exports = { fillSecrets, writeDevEnvFile };
