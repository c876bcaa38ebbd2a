import { jsonStructure } from "../../modules/eventbridge/payload-structure";

/** Duplicate keys in a JSON text (JSON.parse keeps the last of two equal keys silently). */
export const duplicateKeys = (text: string): string[] => [...jsonStructure(text).duplicates];
