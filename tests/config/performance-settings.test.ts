import { serverNodeFlags } from '../../src/performance-settings';

/** The Node flags `npm start` gives its processes (scripts/launch.js reads them from the build). */
describe('server Node flags', () => {
  const saved = { stock: process.env.STOCK_STRAPI, semiSpace: process.env.V8_SEMI_SPACE_MB };
  afterEach(() => {
    for (const [name, value] of [['STOCK_STRAPI', saved.stock], ['V8_SEMI_SPACE_MB', saved.semiSpace]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('give a 32 MB young generation by default, or the size V8_SEMI_SPACE_MB names', () => {
    delete process.env.STOCK_STRAPI;
    delete process.env.V8_SEMI_SPACE_MB;
    expect(serverNodeFlags()).toEqual(['--max-semi-space-size=32']);
    process.env.V8_SEMI_SPACE_MB = '64';
    expect(serverNodeFlags()).toEqual(['--max-semi-space-size=64']);
  });

  it('are none in stock mode, whatever else is set', () => {
    process.env.STOCK_STRAPI = 'true';
    process.env.V8_SEMI_SPACE_MB = '64';
    expect(serverNodeFlags()).toEqual([]);
  });

  it('refuse a size that is not a whole number of MB', () => {
    delete process.env.STOCK_STRAPI;
    process.env.V8_SEMI_SPACE_MB = '32mb';
    expect(() => serverNodeFlags()).toThrow('V8_SEMI_SPACE_MB must be a whole number of at least 1, not "32mb"');
  });
});
