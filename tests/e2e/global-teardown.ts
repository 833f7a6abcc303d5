export default async function globalTeardown() {
  await globalThis.__e2eServer?.stop();
}
