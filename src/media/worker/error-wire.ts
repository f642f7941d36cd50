/**
 * Errors across the worker boundary: what a pipeline throws in a media worker is rebuilt in the engine's thread as
 * the class the engine tests for (SdpUnusableError -> sdp_incompatible, SipwrightError -> media_error with its
 * message, UnsupportedOnPipelineError), never as a bare Error that would be taken for a bug.
 */
import { SipwrightError, type ErrorCode } from "../../shared/errors.js";
import { UnsupportedOnPipelineError, type PipelineKind } from "../media-pipeline.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import type { WireError } from "./worker-protocol.js";

export function toWire(error: unknown): WireError {
  if (error instanceof SdpUnusableError) {
    return { name: "SdpUnusableError", message: error.message, missing: error.missing };
  }
  if (error instanceof UnsupportedOnPipelineError) {
    return { name: "UnsupportedOnPipelineError", message: error.message, feature: error.feature, code: error.pipeline };
  }
  if (error instanceof SipwrightError) return { name: "SipwrightError", message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

export function fromWire(wire: WireError): Error {
  switch (wire.name) {
    case "SdpUnusableError":
      return new SdpUnusableError(wire.message, { missing: wire.missing ?? [] });
    case "UnsupportedOnPipelineError":
      return new UnsupportedOnPipelineError(wire.feature ?? "this feature", (wire.code ?? "rtp") as PipelineKind);
    case "SipwrightError":
      return new SipwrightError((wire.code ?? "MEDIA") as ErrorCode, wire.message);
    default: {
      // A bug in the worker: keep it an Error with the worker's name for it.
      const error = new Error(wire.message);
      error.name = wire.name;
      return error;
    }
  }
}
