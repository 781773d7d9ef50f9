/**
 * A device or pipe is not a data file (issue 13 #6: `rules /dev/zero` read forever until
 * std::bad_alloc): every reader refuses non-regular files with an IOError, the CLI with exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { IOError } from '../../src/core/errors.js';
import { readTransactions } from '../../src/io/readTransactions.js';
import { fpGrowthFile } from '../../src/io/transactions.js';
import { readCsv } from '../../src/io/duckdb.js';
import { deepmine } from './built.js';

describe('devices and pipes are refused', { skip: existsSync('/dev/zero') ? false : 'no /dev/zero here' }, () => {
  it('readTransactions, fpGrowthFile and readCsv throw an IOError naming the device', async () => {
    assert.throws(() => readTransactions('/dev/zero'), (e: unknown) => e instanceof IOError && /a device/.test(e.message));
    assert.throws(() => fpGrowthFile('/dev/zero', { minSupport: 0.1 }), (e: unknown) => e instanceof IOError && /a device/.test(e.message));
    await assert.rejects(readCsv('/dev/zero'), (e: unknown) => e instanceof IOError && /a device/.test(e.message));
  });
  it('deepmine rules /dev/zero exits 2 at once with one line', { timeout: 120_000 }, async () => {
    const r = await deepmine(['rules', '/dev/zero', '--min-support', '0.1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /expected a regular file, found a device/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });
});
