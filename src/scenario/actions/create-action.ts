/**
 * The one entry point the scenario loader uses for every element inside `<action>`: checks the attributes against the
 * action's allowed list, compiles what can be compiled once (regexps, keyword templates) and returns the Action.
 * Anything wrong is reported through ctx.problem (with the action's location) and gives undefined.
 */
import type { Action } from "./action.js";
import type { TextTemplate } from "../template.js";
import type { SourceLocation } from "../../shared/errors.js";
import { ActionAttributes } from "./action-attributes.js";
import { ARITHMETIC_ATTRIBUTES, buildArithmetic } from "./arithmetic.js";
import { ASSIGN_ATTRIBUTES, buildAssign } from "./assign.js";
import { ASSIGNSTR_ATTRIBUTES, buildAssignstr } from "./assignstr.js";
import { CHECK_AUDIO_ATTRIBUTES, buildCheckAudio } from "./check-audio.js";
import { CLOSECON_ATTRIBUTES, buildClosecon } from "./closecon.js";
import { EREG_ATTRIBUTES, buildEreg } from "./ereg.js";
import { EXEC_ATTRIBUTES, buildExec } from "./exec.js";
import { GETTIMEOFDAY_ATTRIBUTES, buildGettimeofday } from "./gettimeofday.js";
import { INSERT_ATTRIBUTES, LOOKUP_ATTRIBUTES, REPLACE_ATTRIBUTES } from "./injection-edit.js";
import { buildInsert, buildLookup, buildReplace } from "./injection-edit.js";
import { JUMP_ATTRIBUTES, buildJump } from "./jump.js";
import { LOG_MESSAGE_ATTRIBUTES, buildLogMessage } from "./log-message.js";
import { INDEX_ATTRIBUTES, buildIndex } from "./msg-index.js";
import { PAUSERESTORE_ATTRIBUTES, buildPauserestore } from "./pauserestore.js";
import { RTP_ECHO_ATTRIBUTES, buildRtpEchoElement } from "./rtp-echo.js";
import { SAMPLE_ATTRIBUTES, buildSample } from "./sample.js";
import { SETDEST_ATTRIBUTES, buildSetdest } from "./setdest.js";
import { STRCMP_ATTRIBUTES, buildStrcmp } from "./strcmp.js";
import { TEST_ATTRIBUTES, buildTest } from "./test.js";
import { TODOUBLE_ATTRIBUTES, buildTodouble } from "./todouble.js";
import { TRIM_ATTRIBUTES, buildTrim } from "./trim.js";
import { URL_CODING_ATTRIBUTES, buildUrlCoding } from "./url-coding.js";
import { VERIFYAUTH_ATTRIBUTES, buildVerifyauth } from "./verifyauth.js";

export interface ActionBuildContext {
  readonly loc: SourceLocation;
  /** Compile a keyword-bearing attribute value; problems are reported by the loader with this action's location. */
  compileText(raw: string): TextTemplate;
  problem(message: string): void;
  /** The scenario file's folder: relative media file names are looked for there first (SIPp's find_file). */
  readonly scenarioDir?: string | undefined;
  /** A note about the action that is not a problem (which file a relative name resolved to). */
  note?(message: string): void;
}

interface ActionKind {
  readonly attributes: readonly string[];
  build(a: ActionAttributes): Action | undefined;
}

const ACTION_KINDS: Readonly<Record<string, ActionKind>> = {
  ereg: { attributes: EREG_ATTRIBUTES, build: buildEreg },
  assign: { attributes: ASSIGN_ATTRIBUTES, build: buildAssign },
  assignstr: { attributes: ASSIGNSTR_ATTRIBUTES, build: buildAssignstr },
  add: { attributes: ARITHMETIC_ATTRIBUTES, build: (a) => buildArithmetic("add", a) },
  subtract: { attributes: ARITHMETIC_ATTRIBUTES, build: (a) => buildArithmetic("subtract", a) },
  multiply: { attributes: ARITHMETIC_ATTRIBUTES, build: (a) => buildArithmetic("multiply", a) },
  divide: { attributes: ARITHMETIC_ATTRIBUTES, build: (a) => buildArithmetic("divide", a) },
  sample: { attributes: SAMPLE_ATTRIBUTES, build: (a) => buildSample(a) },
  todouble: { attributes: TODOUBLE_ATTRIBUTES, build: buildTodouble },
  test: { attributes: TEST_ATTRIBUTES, build: buildTest },
  strcmp: { attributes: STRCMP_ATTRIBUTES, build: buildStrcmp },
  trim: { attributes: TRIM_ATTRIBUTES, build: buildTrim },
  urlencode: { attributes: URL_CODING_ATTRIBUTES, build: (a) => buildUrlCoding("urlencode", a) },
  urldecode: { attributes: URL_CODING_ATTRIBUTES, build: (a) => buildUrlCoding("urldecode", a) },
  gettimeofday: { attributes: GETTIMEOFDAY_ATTRIBUTES, build: buildGettimeofday },
  index: { attributes: INDEX_ATTRIBUTES, build: buildIndex },
  jump: { attributes: JUMP_ATTRIBUTES, build: buildJump },
  pauserestore: { attributes: PAUSERESTORE_ATTRIBUTES, build: buildPauserestore },
  log: { attributes: LOG_MESSAGE_ATTRIBUTES, build: (a) => buildLogMessage("log", a) },
  warning: { attributes: LOG_MESSAGE_ATTRIBUTES, build: (a) => buildLogMessage("warning", a) },
  error: { attributes: LOG_MESSAGE_ATTRIBUTES, build: (a) => buildLogMessage("error", a) },
  exec: { attributes: EXEC_ATTRIBUTES, build: buildExec },
  setdest: { attributes: SETDEST_ATTRIBUTES, build: buildSetdest },
  verifyauth: { attributes: VERIFYAUTH_ATTRIBUTES, build: buildVerifyauth },
  lookup: { attributes: LOOKUP_ATTRIBUTES, build: buildLookup },
  insert: { attributes: INSERT_ATTRIBUTES, build: buildInsert },
  replace: { attributes: REPLACE_ATTRIBUTES, build: buildReplace },
  closecon: { attributes: CLOSECON_ATTRIBUTES, build: buildClosecon },
  rtp_echo: { attributes: RTP_ECHO_ATTRIBUTES, build: buildRtpEchoElement },
  check_audio: { attributes: CHECK_AUDIO_ATTRIBUTES, build: buildCheckAudio },
};

/** Every action element sipwright runs, in the order of docs/actions.md. */
export const ACTION_TAGS: readonly string[] = Object.keys(ACTION_KINDS);

/** Build one action from an element inside <action>. Unknown tag / bad or missing attributes -> ctx.problem(...)
 *  (naming the allowed attributes), returns undefined. */
export function createAction(
  tag: string,
  attrs: Readonly<Record<string, string>>,
  ctx: ActionBuildContext,
): Action | undefined {
  const a = new ActionAttributes(tag, attrs, ctx);
  const kind = Object.hasOwn(ACTION_KINDS, tag) ? ACTION_KINDS[tag] : undefined;
  if (kind === undefined) {
    ctx.problem(`unknown action <${tag}> (known: ${ACTION_TAGS.join(", ")})`);
    return undefined;
  }
  a.allowOnly(kind.attributes);
  const action = kind.build(a);
  return a.failed ? undefined : action;
}
