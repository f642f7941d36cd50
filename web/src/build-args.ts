/**
 * The New-job form's fields turned into the `args` array of `POST /api/jobs`: the same SIPp-style options as the
 * CLI (docs/cli.md). Pure, so the form and its tests share it.
 */

export interface JobForm {
  readonly scenarioSource: "builtin" | "xml" | "raw";
  readonly scenario: string;
  readonly remote: string;
  readonly transport: string;
  readonly localIp: string;
  readonly localPort: string;
  readonly rate: string;
  readonly maxCalls: string;
  readonly callLimit: string;
  readonly record: boolean;
  readonly recordStereo: boolean;
  readonly rtpEcho: boolean;
  readonly codecs: string;
  readonly webrtc: boolean;
  readonly iceServers: string;
  readonly icePolicy: "all" | "relay";
  readonly turnSecret: string;
  readonly turnTtl: string;
  readonly trickle: "auto" | "trickle" | "half" | "full";
  readonly extraArgs: string;
  readonly rawArgs: string;
}

export const EMPTY_FORM: JobForm = {
  scenarioSource: "builtin",
  scenario: "uac",
  remote: "",
  transport: "u1",
  localIp: "",
  localPort: "",
  rate: "",
  maxCalls: "",
  callLimit: "",
  record: false,
  recordStereo: false,
  rtpEcho: false,
  codecs: "",
  webrtc: false,
  iceServers: "",
  icePolicy: "all",
  turnSecret: "",
  turnTtl: "",
  trickle: "auto",
  extraArgs: "",
  rawArgs: "",
};

/**
 * Splits a command line the way a POSIX shell splits words, without expansions: blanks separate, single quotes
 * keep everything, double quotes keep everything but `\"` and `\\`, a backslash outside quotes escapes one
 * character. Throws on an unterminated quote.
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) word += text.charAt(++i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

function option(args: string[], name: string, value: string): void {
  const trimmed = value.trim();
  if (trimmed !== "") args.push(name, trimmed);
}

/**
 * The `args` array for the form; `-sf` for uploaded XML is added by the server (docs/api.md). The WebRTC options
 * go with `--webrtc` or with a scenario that is WebRTC by itself (`webrtcScenario`).
 */
export function buildArgs(form: JobForm, webrtcScenario = false): string[] {
  if (form.scenarioSource === "raw") return splitArgs(form.rawArgs);
  const args: string[] = [];
  if (form.scenarioSource === "builtin") args.push("-sn", form.scenario);
  if (form.remote.trim() !== "") args.push(form.remote.trim());
  if (form.transport !== "u1") args.push("-t", form.transport);
  option(args, "-i", form.localIp);
  option(args, "-p", form.localPort);
  option(args, "-r", form.rate);
  option(args, "-m", form.maxCalls);
  option(args, "-l", form.callLimit);
  if (form.record) args.push("--record");
  if (form.recordStereo) args.push("--record-stereo");
  if (form.rtpEcho) args.push("-rtp_echo");
  option(args, "--codecs", form.codecs);
  if (form.webrtc) args.push("--webrtc");
  if (form.webrtc || webrtcScenario) {
    for (const url of form.iceServers.split(/\s+/)) option(args, "--ice-server", url);
    if (form.icePolicy !== "all") args.push("--ice-policy", form.icePolicy);
    option(args, "--turn-secret", form.turnSecret);
    option(args, "--turn-ttl", form.turnTtl);
    if (form.trickle !== "auto") args.push("--trickle", form.trickle);
  }
  args.push(...splitArgs(form.extraArgs));
  return args;
}
