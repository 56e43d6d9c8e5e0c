/** How the runner reaches the engine: injected, so the runner holds no engine internals. */
import type { DiagnoseInput, Diagnosis } from "../engine/types.js";

export type Diagnoser = (input: DiagnoseInput) => Promise<Diagnosis> | Diagnosis;
