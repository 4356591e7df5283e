// Prints the integration-test executables of one package, read from `cargo test --no-run
// --message-format=json` on stdin. `./x test` runs the server's tests a second time, on
// PostgreSQL, from the binaries the workspace run already built: `cargo test -p` would resolve
// features for one package, hash differently and build the server a second time.
import { createInterface } from "node:readline";

const [packageName] = process.argv.slice(2);
if (!packageName) {
  console.error("usage: node tools/test-executables.mjs <package> < cargo-messages.json");
  process.exit(2);
}
const executables = [];
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith("{")) continue;
  const message = JSON.parse(line);
  if (message.reason !== "compiler-artifact" || !message.executable) continue;
  const { kind } = message.target;
  // Package ids read `path+file:///…#name@version` (older cargo: `name version (path+file://…)`).
  const id = message.package_id;
  const ofPackage = id.includes(`#${packageName}@`) || id.startsWith(`${packageName} `);
  // An integration test's target kind is "test"; the library's own unit tests are kind "lib".
  if (ofPackage && kind.includes("test")) executables.push(message.executable);
}
if (executables.length === 0) {
  console.error(`no integration-test executables of ${packageName} in cargo's messages`);
  process.exit(1);
}
console.log(executables.join("\n"));
