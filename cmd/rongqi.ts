// The rongqi executable (bundled into dist/rongqi.mjs, started by bin/rongqi).
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2));
