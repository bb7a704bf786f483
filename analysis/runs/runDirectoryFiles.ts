import type * as z from "zod/v4/core";
import { parseRunFileText, RUN_FILE, runFileSchema } from "./runFile";
import { parsePrediction, PREDICTION_FILE, predictionFileSchema } from "./predictionFile";
import { CALIBRATION_FILE, calibrationFileSchema, parseCalibrationFile } from "./calibrationFile";
import { parseSummaryJson } from "../summary/summarySchema";
import { runSummarySchema } from "../summary/resultsSchema";
import { SUMMARY_JSON } from "../summary/summaryFiles";

/** One file of results/<stack>/<run-id>/: its model, its reader, and what it is for. */
export interface RunDirectoryFile {
  file: string;
  /** The name of its published JSON Schema, docs/schemas/<name>.schema.json, and of its example. */
  name: string;
  description: string;
  schema: z.$ZodType;
  /** Reads the file's text as dynamo-bench does, older versions included; throws an Error saying why not. */
  read: (text: string) => unknown;
}

export const RUN_DIRECTORY_FILES: readonly RunDirectoryFile[] = [
  {
    file: RUN_FILE,
    name: "run",
    description: "What a run was: the stack, variant, run id and Job, when it was saved, and why it failed if it did.",
    schema: runFileSchema,
    read: parseRunFileText,
  },
  {
    file: SUMMARY_JSON,
    name: "summary",
    description: "One run's summary: request counts, duration, TTFT, ITL, request latency, ISL and OSL statistics, and goodput.",
    schema: runSummarySchema,
    read: (text) => {
      const parsed = parseSummaryJson(text);
      if ("problem" in parsed) throw new Error(parsed.problem);
      return parsed.summary;
    },
  },
  {
    file: PREDICTION_FILE,
    name: "prediction",
    description: "What `simulate` predicted for the run's stack on the trace it replayed: TTFT, ITL, request latency and goodput.",
    schema: predictionFileSchema,
    read: parsePrediction,
  },
  {
    file: CALIBRATION_FILE,
    name: "calibration",
    description: "Engine timings fitted to a run's records by `calibrate`, and how well they reproduce it.",
    schema: calibrationFileSchema,
    read: parseCalibrationFile,
  },
];
