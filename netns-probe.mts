import { runInPrivateNetwork } from "./test/helpers/netns.js";
const r = await runInPrivateNetwork(new URL(process.argv[2]!, import.meta.url).href, 240000);
console.log(r.passed, r.output.split("\n").filter(l => /✔|✖|ℹ (tests|pass|fail)|Error|expected|actual/.test(l)).slice(0,40).join("\n"));
