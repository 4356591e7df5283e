// Writes NAME.br (brotli, quality 11) and NAME.gz (gzip -9) beside every text or wasm file of
// the built app, once at build time, so `switchboard serve` sends the smallest encoding a
// browser accepts without compressing per request. Node's own zlib: nothing to install.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = process.argv[2] ?? "dist";
const compressible = /\.(wasm|js|css|html|svg|json|txt|map|ico)$/;

for (const name of readdirSync(dist, { recursive: true })) {
  const path = join(dist, name);
  if (!compressible.test(name) || !statSync(path).isFile()) continue;
  const bytes = readFileSync(path);
  const brotli = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(`${path}.br`, brotli);
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  console.log(`  ${name}: ${bytes.length} raw, ${brotli.length} br`);
}
